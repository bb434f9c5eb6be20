/**
 * <memos-sync>: Settings → Sync across devices. The server, database and (if it asks) user and
 * password; the passphrase that opens the cube's key — held by the worker in memory only and asked
 * again after a reload, unless "remember on this device" is chosen (the key is then kept sealed under a
 * non-extractable device key, never the passphrase); or the user's sync identity instead of a
 * passphrase, for a cube someone granted them. Start (once, or live), pause, forget; what the sync did
 * and its last error with its code. Sharing: the user's identity to give away, and granting the open
 * cube to someone else's. The server address and database are remembered in this browser.
 */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { SyncStatus } from '../protocol/sync-types';
import { describeError, type SessionChange } from './app-session';
import { SessionElement } from './session-element';
import { formatTime, sharedStyles } from './styles';

const REMEMBERED = 'memos-sync-server';

interface Remembered {
  readonly url: string;
  readonly database: string;
}

function remembered(cubeId: string): Remembered {
  try {
    const all = JSON.parse(localStorage.getItem(REMEMBERED) ?? '{}') as Record<string, Remembered>;
    return Object.hasOwn(all, cubeId) ? all[cubeId]! : { url: '', database: '' };
  } catch {
    return { url: '', database: '' };
  }
}

function remember(cubeId: string, value: Remembered): void {
  const all = JSON.parse(localStorage.getItem(REMEMBERED) ?? '{}') as Record<string, Remembered>;
  localStorage.setItem(REMEMBERED, JSON.stringify({ ...all, [cubeId]: value }));
}

/** Sync settings for the open cube. */
@customElement('memos-sync')
export class MemosSync extends SessionElement {
  static override styles = [sharedStyles];

  @state() private status: SyncStatus | undefined;
  @state() private busy = false;
  @state() private note = '';
  @state() private server: Remembered = { url: '', database: '' };
  /** Open a grant with the user's identity instead of a passphrase. */
  @state() private useIdentity = false;
  /** The user's sync identity, once shown. */
  @state() private identity = '';
  #timer: ReturnType<typeof setInterval> | undefined;

  protected override async refresh(what: SessionChange): Promise<void> {
    const s = this.session;
    if (!s || what === 'model' || what === 'chat') return;
    this.server = remembered(s.cubeId);
    await this.#readStatus();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#timer = setInterval(() => void this.#readStatus(), 2_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  async #readStatus(): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.status = await s.api.syncStatus({ userId: s.userId, cubeId: s.cubeId }).catch(() => undefined);
  }

  #start = (event: SubmitEvent): void => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const s = this.session!;
    const url = String(data.get('url') ?? '').trim().replace(/\/$/, '');
    const database = String(data.get('database') ?? '').trim();
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    const passphrase = String(data.get('passphrase') ?? '');
    const live = data.get('live') === 'on';
    const rememberKey = data.get('remember') === 'on';
    this.busy = true;
    this.error = '';
    this.note = '';
    void (async () => {
      try {
        const base = { userId: s.userId, url, database, ...(this.useIdentity ? { identity: true } : { passphrase }), ...(rememberKey && { remember: true }), ...(username && { credentials: { username, password } }) };
        let configured = await s.api.configureSync({ ...base, cubeId: s.cubeId }).catch(async (error: unknown) => {
          // The database holds another cube: it comes to this device, and the app opens it.
          const other = (error as { code?: string; details?: { serverCubeId?: unknown } }).details?.serverCubeId;
          if ((error as { code?: string }).code !== 'INVALID_INPUT' || typeof other !== 'string') throw error;
          return s.api.configureSync(base);
        });
        remember(configured.cubeId, { url, database });
        configured = await s.api.startSync({ userId: s.userId, cubeId: configured.cubeId, live });
        if (configured.cubeId !== s.cubeId) {
          s.changed('cubes');
          s.setCube(configured.cubeId);
          this.note = 'This database holds another cube: it is now on this device, and open.';
        }
        this.status = configured;
        (event.target as HTMLFormElement).reset();
        s.changed('memories');
      } catch (error) {
        this.error = describeError(error);
      } finally {
        this.busy = false;
        this.server = remembered(s.cubeId);
      }
    })();
  };

  #forget(): void {
    const s = this.session!;
    void this.guard(async () => {
      await s.api.forgetSync({ userId: s.userId, cubeId: s.cubeId });
      this.note = 'Sync stopped and forgotten on this device (the server keeps its copy).';
      this.status = undefined;
    });
  }

  #showIdentity(): void {
    const s = this.session!;
    void this.guard(async () => {
      this.identity = (await s.api.syncIdentity({ userId: s.userId })).publicKey;
    });
  }

  #grant = (event: SubmitEvent): void => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const s = this.session!;
    const publicKey = String(data.get('publicKey') ?? '').trim();
    const serverUser = String(data.get('serverUser') ?? '').trim();
    void this.guard(async () => {
      await s.api.grantSync({ userId: s.userId, cubeId: s.cubeId, publicKey, ...(serverUser && { serverUsers: [serverUser] }) });
      this.note = `Granted: they can now join this cube with their identity${serverUser ? `, and ${serverUser} may read the database` : ''}.`;
      form.reset();
    });
  };

  #pause(): void {
    const s = this.session!;
    void this.guard(async () => {
      await s.api.stopSync({ userId: s.userId, cubeId: s.cubeId });
      await this.#readStatus();
    });
  }

  override render() {
    if (!this.session) return html`<p class="muted">${this.error || 'Opening…'}</p>`;
    const st = this.status;
    return html`<section aria-label="sync">
      <p class="muted">Keep this cube on your other devices through a CouchDB server (Apache CouchDB, Cloudant or PouchDB Server) you run or trust.
        Everything is encrypted in this browser first: the server sees opaque ids and ciphertext, never your memories. The passphrase opens the
        cube's key and is never stored: after a reload, enter it again — unless you choose to remember the key on this device.</p>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.note ? html`<p role="status">${this.note}</p>` : nothing}
      ${st
        ? html`<p role="status" id="sync-status">Sync: ${st.state}${st.lastSyncAt ? ` · last pass ${formatTime(st.lastSyncAt)}` : ''} · sent ${st.sent} · received ${st.received}${st.refused ? ` · ${st.refused} refused (tampered)` : ''}${st.lastError ? html` · <span>${st.lastError.code}: ${st.lastError.message}</span>` : ''}
            ${st.remembered ? ' · key remembered on this device' : ''}
            ${st.state === 'live' ? html`<button type="button" @click=${() => this.#pause()}>Pause</button>` : nothing}
            <button type="button" @click=${() => this.#forget()}>Forget on this device</button></p>`
        : html`<p class="muted" id="sync-status">Not synced.</p>`}
      <form @submit=${this.#start} aria-label="sync settings">
        <div class="row">
          <label>Server <input name="url" type="url" required .value=${this.server.url} placeholder="https://couch.example.org" /></label>
          <label>Database <input name="database" required .value=${this.server.database} placeholder="my-memories" /></label>
        </div>
        <div class="row">
          <label>User (if the server asks) <input name="username" autocomplete="username" /></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" /></label>
        </div>
        <div class="row">
          <label>Passphrase <input name="passphrase" type="password" ?required=${!this.useIdentity} ?disabled=${this.useIdentity} minlength="8" autocomplete="off" /></label>
          <label><input name="identity" type="checkbox" .checked=${this.useIdentity} @change=${(e: Event) => (this.useIdentity = (e.target as HTMLInputElement).checked)} /> use my sync identity instead (a cube someone granted me)</label>
        </div>
        <div class="row">
          <label><input name="live" type="checkbox" checked /> keep syncing while the app is open</label>
          <label><input name="remember" type="checkbox" /> remember on this device (the key is kept sealed; nothing to enter after a reload)</label>
          <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Syncing…' : 'Sync now'}</button>
        </div>
      </form>
      <h3>Share with someone</h3>
      <p class="muted">They show you their sync identity (below, on their device); you grant this cube to it; they join with "use my sync identity".
        Only their device can open the grant. A grant cannot be taken back: to shut someone out, sync the cube to a new database.</p>
      <div class="row">
        <button type="button" @click=${() => this.#showIdentity()}>Show my sync identity</button>
        ${this.identity ? html`<label>My sync identity <input readonly aria-label="my sync identity" .value=${this.identity} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} /></label>` : nothing}
      </div>
      ${st
        ? html`<form @submit=${this.#grant} aria-label="grant this cube">
            <div class="row">
              <label>Their sync identity <input name="publicKey" required autocomplete="off" /></label>
              <label>Their user on the server (optional, needs the server admin's login above) <input name="serverUser" autocomplete="off" /></label>
              <button type="submit">Grant</button>
            </div>
          </form>`
        : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-sync': MemosSync;
  }
}
