/**
 * <memos-app>: the memos-web app. Tabs for chat, the memory inspector, users and cubes, models, the
 * scheduler, settings and a guided demo, over one shared {@link AppSession}. Memory mode works with
 * no language model (add, search, inspect, version, export); loading a model adds chat that answers
 * from the memories and remembers the conversation. The tabs follow the WAI-ARIA tabs pattern (arrow
 * keys, Home and End move between them).
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { AppSession, describeError, type SessionChange } from './app-session';
import { SHOWN_STATES } from './newest-memories';
import { sharedStyles } from './styles';
import './memos-chat';
import './memos-inspector';
import './memos-graph';
import './memos-cubes';
import './memos-models';
import './memos-scheduler';
import './memos-settings';
import './memos-demo';
import { describeProgress } from './running-task';
import type { TaskProgress } from '../protocol/memory-types';
import { registerMemoryTools } from '../integrations/webmcp';
import { serveOpenAIEndpoint } from '../client/openai-endpoint';
import { modelForStart } from './model-on-start';

const TABS = [
  ['chat', 'Chat'],
  ['memories', 'Memories'],
  ['graph', 'Graph'],
  ['cubes', 'Users & cubes'],
  ['models', 'Models'],
  ['scheduler', 'Scheduler'],
  ['settings', 'Settings'],
  ['demo', 'Guided demo'],
] as const;
type Tab = (typeof TABS)[number][0];

/**
 * The whole app: tabs over one shared session.
 * @csspart header - the title line
 * @csspart mode-banner - the memory mode / chat mode banner
 * @cssprop --memos-accent - accent colour
 * @cssprop --memos-banner-bg - background of the mode banner
 */
@customElement('memos-app')
export class MemosApp extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host { max-width: 1100px; margin: 0 auto; padding: 1rem; }
      header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
      h1 { font-size: 1.4rem; margin: 0; }
      .mode { font-size: 0.85rem; background: var(--memos-banner-bg, #fff6db); border: 1px solid var(--memos-banner-border, #e8cf7a); padding: 0.5rem 0.75rem; border-radius: var(--_radius); margin: 0.75rem 0; }
      /* One row that scrolls sideways on a narrow screen, never wrapping under itself. */
      [role='tablist'] { display: flex; gap: 0.25rem; flex-wrap: nowrap; overflow-x: auto; overflow-y: hidden; scrollbar-width: thin; border-bottom: 1px solid var(--_border); margin-top: 0.5rem; }
      [role='tab'] { flex: none; white-space: nowrap; border: 1px solid transparent; border-bottom: none; border-radius: 6px 6px 0 0; background: transparent; padding: 0.4rem 0.8rem; }
      [role='tab'][aria-selected='true'] { border-color: var(--_border); background: var(--memos-card-bg, #fff); font-weight: 600; margin-bottom: -1px; }
      [role='tabpanel'] { padding-top: 0.5rem; }
    `,
  ];

  /** The IndexedDB store to open; the page's `?store=` parameter, else "memos". */
  @property() store = new URL(location.href).searchParams.get('store') ?? 'memos';
  @state() private session: AppSession | undefined;
  @state() private failed = '';
  /** The open cube holds no memory yet: a first-time user is pointed to the guided demo. */
  @state() private empty = false;
  /** How opening the store goes (the embedder's bytes, then the index), shown until it is open. */
  @state() private opening: TaskProgress | undefined;
  /** Memories until a model is loaded: without one there is no chat. */
  @state() private tab: Tab = 'memories';
  @state() private modelLoaded = '';
  /** Where the loaded model runs: "" in this tab, else the server's host. */
  @state() private modelServer = '';
  @state() private summary = '';
  /** The open cube's sync, when it is set up: "live", "idle", "syncing" or "error", with the last error's code. */
  @state() private sync: { state: string; error: string | null } | undefined;
  #syncTimer: ReturnType<typeof setInterval> | undefined;

  override async connectedCallback(): Promise<void> {
    super.connectedCallback();
    const initial = new URL(location.href).hash.slice(1);
    if (TABS.some(([id]) => id === initial)) this.tab = initial as Tab;
    // A view asks for another tab (Chat's "Open Models").
    this.addEventListener('memos-navigate', (e) => {
      const to = (e as CustomEvent<string>).detail;
      if (TABS.some(([id]) => id === to)) this.#select(to as Tab, true);
    });
    // Files dropped anywhere in the app become documents of the open cube (the Memories tab shows them).
    this.addEventListener('dragover', (e) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    });
    this.addEventListener('drop', (e) => {
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length === 0 || !this.session) return;
      e.preventDefault();
      this.#select('memories');
      void this.updateComplete.then(() => this.renderRoot.querySelector('memos-inspector')?.addFiles(files));
    });
    try {
      const session = await AppSession.open({ name: this.store, onProgress: (p) => (this.opening = p) });
      // With a model already loaded (a worker shared with another view) the app opens on chat.
      if (!initial && (await session.inference?.status())?.state === 'ready') this.tab = 'chat';
      void this.#loadModelOnStart(session);
      // The app's OpenAI-compatible endpoint (the service worker forwards v1/* requests to this tab).
      if (session.inference) this.#stopEndpoint = serveOpenAIEndpoint({ memos: session.memos, inference: session.inference, userId: () => session.userId, onStored: () => session.changed('memories') });
      session.addEventListener('change', (e) => void this.#onChange((e as CustomEvent<SessionChange>).detail));
      // The header says when the open cube syncs, and when its sync failed.
      this.#syncTimer = setInterval(() => {
        void session.api.syncStatus({ userId: session.userId, cubeId: session.cubeId }).then(
          (st) => (this.sync = { state: st.state, error: st.lastError?.code ?? null }),
          () => (this.sync = undefined),
        );
      }, 3_000);
      this.session = session;
      void this.#resumeSync(session);
      await this.#onChange('selection');
    } catch (error) {
      this.failed = describeError(error);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#agentTools?.unregister();
    this.#stopEndpoint();
    clearInterval(this.#syncTimer);
    void this.session?.close();
  }

  /**
   * Offers the memory to agents in the browser as WebMCP tools (attribute `agent-tools`), acting as
   * the current user; re-offered when the user changes. Nothing happens on pages without the API.
   */
  @property({ type: Boolean, attribute: 'agent-tools' }) agentTools = false;
  #agentTools: { registered: string[]; unregister(): void } | undefined;
  #agentToolsUser = '';
  #stopEndpoint: () => void = () => undefined;

  /** Syncs the user chose to remember on this device start again, live (the header chip shows how they fare). */
  async #resumeSync(session: AppSession): Promise<void> {
    const resumed = await session.api.resumeSync({ userId: session.userId }).catch(() => []);
    for (const status of resumed) await session.api.startSync({ userId: session.userId, cubeId: status.cubeId, live: true }).catch(() => undefined);
  }

  /** Loads the last model if the user asked for it and its files are stored here (never a download). */
  async #loadModelOnStart(session: AppSession): Promise<void> {
    const wanted = modelForStart();
    const inference = session.inference;
    if (!wanted || !inference) return;
    try {
      const view = (await inference.listModels()).find((m) => m.entry.id === wanted.id);
      if (!view?.cached || (await inference.status()).state !== 'idle') return;
      await inference.load(wanted.id, wanted.device ? { device: wanted.device } : {});
      session.changed('model');
    } catch (error) {
      this.failed = `The last model did not load on start: ${describeError(error)}`;
    }
  }

  #offerAgentTools(): void {
    const s = this.session;
    if (!this.agentTools || !s || this.#agentToolsUser === s.userId) return;
    this.#agentTools?.unregister();
    this.#agentToolsUser = s.userId;
    this.#agentTools = registerMemoryTools({ memos: s.api, userId: s.userId, agent: 'webmcp', onWrite: () => s.changed('memories') });
  }

  async #onChange(what: SessionChange): Promise<void> {
    const s = this.session;
    if (!s) return;
    try {
      if (what === 'selection') this.#offerAgentTools();
      if (what === 'model' || what === 'selection') {
        const status = await s.inference?.status();
        this.modelLoaded = status?.state === 'ready' ? status.model.id : '';
        this.modelServer = status?.state === 'ready' && status.model.device === 'server' ? status.model.id.slice(status.model.id.lastIndexOf('@') + 1) : '';
      }
      if (what !== 'model' && what !== 'chat') {
        const cubes = await s.api.listCubes({ userId: s.userId });
        const cube = cubes.find((c) => c.cube.cubeId === s.cubeId);
        const page = await s.api.getAll({ userId: s.userId, cubeId: s.cubeId, limit: 1, states: SHOWN_STATES });
        this.summary = `${s.userId} · ${cube?.cube.name ?? s.cubeId} · ${page.total} memories · stored only in this browser`;
        this.empty = page.total === 0;
      }
    } catch (error) {
      this.failed = describeError(error);
    }
  }

  #select(tab: Tab, focus = false): void {
    this.tab = tab;
    history.replaceState(null, '', `#${tab}`);
    if (focus) void this.updateComplete.then(() => (this.renderRoot.querySelector(`#tab-${tab}`) as HTMLElement | null)?.focus());
  }

  #onTabKey(event: KeyboardEvent): void {
    const index = TABS.findIndex(([id]) => id === this.tab);
    const next = event.key === 'ArrowRight' ? index + 1 : event.key === 'ArrowLeft' ? index - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? TABS.length - 1 : null;
    if (next === null) return;
    event.preventDefault();
    this.#select(TABS[(next + TABS.length) % TABS.length]![0], true);
  }

  #panel(tab: Tab) {
    const s = this.session!;
    switch (tab) {
      case 'chat':
        return html`<memos-chat .session=${s}></memos-chat>`;
      case 'memories':
        return html`<memos-inspector .session=${s}></memos-inspector>`;
      case 'graph':
        return html`<memos-graph .session=${s}></memos-graph>`;
      case 'cubes':
        return html`<memos-cubes .session=${s}></memos-cubes>`;
      case 'models':
        return html`<memos-models .session=${s}></memos-models>`;
      case 'scheduler':
        return html`<memos-scheduler .session=${s}></memos-scheduler>`;
      case 'settings':
        return html`<memos-settings .session=${s}></memos-settings>`;
      case 'demo':
        return html`<memos-demo .session=${s}></memos-demo>`;
    }
  }

  override render() {
    const s = this.session;
    // The shell (title, tabs) shows at once; the views come when the store is open.
    return html`
      <header part="header">
        <h1>memos-web</h1>
        <span class="muted" id="summary">${s ? this.summary : ''}</span>
        ${this.sync ? html`<span class="badge" id="sync-chip" role="status">${this.sync.error ? `sync error: ${this.sync.error}` : `sync ${this.sync.state}`}</span>` : nothing}
      </header>
      ${s ? this.#banner(s) : this.failed
        ? html`<div class="error" role="alert">memos-web could not start: ${this.failed}</div>`
        : html`<div class="mode" part="mode-banner" role="status" id="opening">Opening your memory store…${this.opening ? ` ${describeProgress(this.opening)}` : ''}
            <div class="muted">Everything stays in this browser. The first visit also readies the offline search model (about 25 MB, from this site).</div></div>`}
      ${s && this.failed ? html`<div class="error" role="alert">${this.failed}</div>` : nothing}
      <div role="tablist" aria-label="sections" @keydown=${(e: KeyboardEvent) => this.#onTabKey(e)}>
        ${TABS.map(
          ([id, label]) => html`<button role="tab" id="tab-${id}" aria-controls="panel-${id}" aria-selected=${this.tab === id ? 'true' : 'false'}
            tabindex=${this.tab === id ? 0 : -1} @click=${() => this.#select(id)}>${label}</button>`,
        )}
      </div>
      <main>
        ${TABS.map(
          ([id]) => html`<div role="tabpanel" id="panel-${id}" aria-labelledby="tab-${id}" tabindex="0" ?hidden=${this.tab !== id}>
            ${s ? (this.tab === id || id === 'chat' ? this.#panel(id) : nothing) : this.tab === id ? html`<p class="muted">Opening your memory store…</p>` : nothing}
          </div>`,
        )}
      </main>
    `;
  }

  #banner(s: AppSession) {
    return html`
      <div class="mode" part="mode-banner" role="status">
        ${this.modelLoaded
          ? this.modelServer
            ? html`Chat mode: ${this.modelLoaded} runs on ${this.modelServer}, the server you chose. Each message and the memories recalled for it are sent there; everything else stays in this browser.`
            : html`Chat mode: ${this.modelLoaded} runs in this tab. Answers draw on your memories, and what you say is remembered.`
          : html`Memory mode: no language model is loaded, so there is no chat yet. You can add, search, inspect, version and export
              memories; load a model (Models, or the picker in Chat) and memos-web also answers from them and learns from conversations.`}
        ${s.inferenceError ? html`<div class="muted">The inference worker did not start: ${s.inferenceError}</div>` : nothing}
        ${this.empty && this.tab !== 'demo'
          ? html`<div id="first-run">New here? <button type="button" @click=${() => this.#select('demo', true)}>Try the guided demo</button> — it plays two short conversations, then asks about them.</div>`
          : nothing}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-app': MemosApp;
  }
}
