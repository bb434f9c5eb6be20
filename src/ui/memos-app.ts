/**
 * <memos-app>: the memos-web app shell. Memory mode works with no language model (add, search,
 * inspect, version history, export and import); loading a model in the chat panel adds chat that
 * answers from the memories and remembers the conversation. The scheduler joins as it lands.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { InferenceClient } from '../client/inference-client';
import { MemosClient } from '../client/memos-client';
import { MemosError } from '../core/errors';
import type { MemoryItem, MemoryVersion, SemanticType } from '../core/memory-item';
import type { CubeView, SearchHit } from '../os/api-types';
import type { MemosApi } from '../protocol/memory-worker-api';
import type { MemoryAction } from './memory-card';
import './chat-panel';
import './memory-card';

type AppState = { status: 'opening' } | { status: 'ready'; api: MemosApi } | { status: 'failed'; error: string };

const DEFAULT_USER = 'me';

@customElement('memos-app')
export class MemosApp extends LitElement {
  static override styles = css`
    :host { display: block; font-family: system-ui, sans-serif; color: var(--memos-fg, #1d2130); max-width: 960px; margin: 0 auto; padding: 1rem; }
    header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
    h1 { font-size: 1.4rem; margin: 0; }
    .mode { font-size: 0.85rem; background: #fff6db; border: 1px solid #f0d78c; padding: 0.5rem 0.75rem; border-radius: 8px; margin: 0.75rem 0; }
    .error { background: #fde8e8; border: 1px solid #f2b8b8; padding: 0.5rem 0.75rem; border-radius: 8px; margin: 0.75rem 0; }
    form, .bar { display: flex; gap: 0.5rem; flex-wrap: wrap; margin: 0.75rem 0; align-items: center; }
    textarea { flex: 1 1 100%; min-height: 3.5rem; font: inherit; padding: 0.5rem; }
    input[type='search'] { flex: 1; font: inherit; padding: 0.4rem; }
    button, select, input { font: inherit; }
    .list { display: grid; gap: 0.6rem; }
    h2 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
    dialog ol { padding-left: 1.2rem; }
    .muted { color: #5b6170; font-size: 0.85rem; }
  `;

  @state() private app: AppState = { status: 'opening' };
  @state() private cubes: CubeView[] = [];
  @state() private cubeId = '';
  @state() private memories: MemoryItem[] = [];
  @state() private total = 0;
  @state() private hits: SearchHit[] | undefined;
  @state() private showArchived = false;
  @state() private history: MemoryVersion[] | undefined;
  @state() private error = '';
  @state() private modelLoaded = '';
  @state() private consent: 'ask' | 'auto' | 'manual' = 'ask';
  @state() private inferenceError = '';
  #client: MemosClient | undefined;
  #inference: InferenceClient | undefined;

  override async connectedCallback(): Promise<void> {
    super.connectedCallback();
    try {
      const store = new URL(location.href).searchParams.get('store') ?? 'memos';
      this.#client = await MemosClient.open({ name: store });
      const api = this.#client.api;
      const users = await api.listUsers(undefined);
      if (!users.some((u) => u.userId === DEFAULT_USER)) await api.createUser({ userId: DEFAULT_USER, name: 'Me' });
      this.consent = (await api.getUser(DEFAULT_USER)).consent ?? 'ask';
      try {
        this.#inference = await InferenceClient.open();
        await this.#inference.connectMemory(this.#client);
      } catch (error) {
        // Memory mode still works without the inference worker; the banner says why chat is missing.
        this.inferenceError = error instanceof Error ? error.message : String(error);
      }
      this.app = { status: 'ready', api };
      await this.#loadCubes();
    } catch (error) {
      this.app = { status: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#inference?.close();
    void this.#client?.close();
  }

  get #api(): MemosApi {
    if (this.app.status !== 'ready') throw new MemosError('STORE_CLOSED');
    return this.app.api;
  }

  async #guard(fn: () => Promise<void>): Promise<void> {
    this.error = '';
    try {
      await fn();
    } catch (error) {
      this.error = error instanceof MemosError ? `${error.code}: ${error.message}` : String(error);
    }
  }

  async #loadCubes(): Promise<void> {
    let cubes = await this.#api.listCubes({ userId: DEFAULT_USER });
    if (cubes.length === 0) {
      await this.#api.createCube({ userId: DEFAULT_USER, name: 'My memories' });
      cubes = await this.#api.listCubes({ userId: DEFAULT_USER });
    }
    this.cubes = cubes;
    if (!cubes.some((c) => c.cube.cubeId === this.cubeId)) this.cubeId = cubes[0]?.cube.cubeId ?? '';
    await this.#loadMemories();
  }

  async #loadMemories(): Promise<void> {
    if (!this.cubeId) return;
    const page = await this.#api.getAll({
      userId: DEFAULT_USER,
      cubeId: this.cubeId,
      limit: 200,
      ...(this.showArchived ? {} : { states: ['generated', 'activated', 'merged', 'frozen'] as const }),
    });
    this.memories = [...page.items].reverse();
    this.total = page.total;
  }

  #onAdd = (event: SubmitEvent) =>
    this.#guard(async () => {
      event.preventDefault();
      const form = event.target as HTMLFormElement;
      const data = new FormData(form);
      const text = String(data.get('text') ?? '').trim();
      if (!text) return;
      const tags = String(data.get('tags') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
      await this.#api.add({ userId: DEFAULT_USER, cubeId: this.cubeId, memory: { text, tags, semanticType: String(data.get('type')) as SemanticType } });
      form.reset();
      await this.#loadMemories();
    });

  #onSearch = (event: SubmitEvent) =>
    this.#guard(async () => {
      event.preventDefault();
      const query = String(new FormData(event.target as HTMLFormElement).get('q') ?? '').trim();
      this.hits = query ? await this.#api.search({ userId: DEFAULT_USER, query, cubeIds: [this.cubeId], topK: 20 }) : undefined;
      await this.#loadMemories();
    });

  #onAction = (event: CustomEvent<{ action: MemoryAction; memoryId: string }>) =>
    this.#guard(async () => {
      const { action, memoryId } = event.detail;
      const ref = { userId: DEFAULT_USER, memoryId };
      if (action === 'history') {
        this.history = await this.#api.history(ref);
        await this.updateComplete;
        this.renderRoot.querySelector('dialog')?.showModal();
        return;
      }
      if (action === 'purge' && !confirm('Purge this memory and its whole history for good?')) return;
      if (action === 'archive') await this.#api.delete(ref);
      if (action === 'restore') await this.#api.restore(ref);
      if (action === 'freeze') await this.#api.freeze(ref);
      if (action === 'unfreeze') await this.#api.unfreeze(ref);
      if (action === 'purge') await this.#api.purge(ref);
      this.hits = undefined;
      await this.#loadMemories();
    });

  #onExport = () =>
    this.#guard(async () => {
      const file = await this.#api.exportCube({ userId: DEFAULT_USER, cubeId: this.cubeId });
      const url = URL.createObjectURL(new Blob([file], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${this.cubes.find((c) => c.cube.cubeId === this.cubeId)?.cube.name ?? 'cube'}.memos.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });

  #onImport = (event: Event) =>
    this.#guard(async () => {
      const input = event.target as HTMLInputElement;
      const file = input.files?.[0];
      input.value = '';
      if (!file) return;
      const text = await file.text();
      const taken = this.cubes.some((c) => text.includes(`"cubeId": "${c.cube.cubeId}"`));
      const cube = await this.#api.importCube({ userId: DEFAULT_USER, file: text, mode: taken ? 'copy' : 'keep-id' });
      this.cubeId = cube.cubeId;
      await this.#loadCubes();
    });

  #searchModeLine(): string {
    const opened = this.#client?.opened;
    if (opened?.embedder) return `Search matches words and meaning (${opened.embedder}, running offline in this browser).`;
    if (opened?.embedderError) return `Search matches words only: the offline embedding model did not load (${opened.embedderError}).`;
    return 'Search matches words only.';
  }

  override render() {
    if (this.app.status === 'opening') return html`<p>Opening your memory store…</p>`;
    if (this.app.status === 'failed') return html`<div class="error" role="alert">memos-web could not start: ${this.app.error}</div>`;
    return html`
      <header>
        <h1>memos-web</h1>
        <label>Cube
          <select @change=${(e: Event) => this.#guard(async () => { this.cubeId = (e.target as HTMLSelectElement).value; this.hits = undefined; await this.#loadMemories(); })}>
            ${this.cubes.map((c) => html`<option value=${c.cube.cubeId} ?selected=${c.cube.cubeId === this.cubeId}>${c.cube.name}</option>`)}
          </select>
        </label>
        <span class="muted">${this.total} memories · stored only in this browser</span>
      </header>
      <div class="mode" part="mode-banner">
        ${this.modelLoaded
          ? html`Chat mode: ${this.modelLoaded} runs in this tab. Answers draw on your memories, and what you say is remembered.`
          : html`Memory mode: no language model is loaded, so there is no chat yet. You can add, search, inspect,
            version and export memories; load a model below and memos-web also answers from them and learns from conversations.`}
        ${this.inferenceError ? html`<div class="muted">The inference worker did not start: ${this.inferenceError}</div>` : nothing}
        <div class="muted" id="search-mode">${this.#searchModeLine()}</div>
      </div>
      ${this.#inference
        ? html`<memos-chat-panel .inference=${this.#inference} .memos=${this.#client} userId=${DEFAULT_USER} .cubeIds=${this.cubeId ? [this.cubeId] : []}
            @model-changed=${() => this.#guard(async () => { const s = await this.#inference?.status(); this.modelLoaded = s?.state === 'ready' ? s.model.id : ''; })}
            @memories-changed=${() => this.#guard(() => this.#loadMemories())}></memos-chat-panel>`
        : nothing}
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <form @submit=${this.#onAdd} aria-label="add a memory">
        <textarea name="text" placeholder="Something worth remembering…" required></textarea>
        <input name="tags" placeholder="tags, comma separated" />
        <select name="type">
          ${(['fact', 'preference', 'event', 'task', 'other'] as const).map((t) => html`<option value=${t}>${t}</option>`)}
        </select>
        <button type="submit">Remember</button>
      </form>
      <form @submit=${this.#onSearch} aria-label="search memories">
        <input type="search" name="q" placeholder="Search memories" />
        <button type="submit">Search</button>
      </form>
      <div class="bar" aria-label="settings">
        <label>Learning from chats
          <select id="consent" @change=${(e: Event) => this.#guard(async () => { this.consent = (await this.#api.setConsent({ userId: DEFAULT_USER, mode: (e.target as HTMLSelectElement).value as 'auto' | 'ask' | 'manual' })).consent ?? 'ask'; })}>
            ${(['ask', 'auto', 'manual'] as const).map((m) => html`<option value=${m} ?selected=${this.consent === m}>${m === 'ask' ? 'ask me first' : m === 'auto' ? 'automatic' : 'only when I ask'}</option>`)}
          </select>
        </label>
        <label>Personal data in this cube
          <select id="redaction" @change=${(e: Event) => this.#guard(async () => { await this.#api.setCubePolicy({ userId: DEFAULT_USER, cubeId: this.cubeId, policy: { redaction: (e.target as HTMLSelectElement).value as 'redact' | 'tag' | 'keep' } }); await this.#loadCubes(); })}>
            ${(['redact', 'tag', 'keep'] as const).map((p) => html`<option value=${p} ?selected=${(this.cubes.find((c) => c.cube.cubeId === this.cubeId)?.cube.policy?.redaction ?? 'redact') === p}>${p === 'redact' ? 'hide e-mails, numbers, keys' : p === 'tag' ? 'keep, but label them' : 'keep as written'}</option>`)}
          </select>
        </label>
      </div>
      <div class="bar">
        <label><input type="checkbox" .checked=${this.showArchived} @change=${(e: Event) => this.#guard(async () => { this.showArchived = (e.target as HTMLInputElement).checked; await this.#loadMemories(); })} /> show deleted and expired</label>
        <button @click=${this.#onExport}>Export cube</button>
        <label>Import <input type="file" accept=".json,application/json" @change=${this.#onImport} /></label>
      </div>
      <div @memory-action=${this.#onAction}>
        ${this.hits
          ? html`<h2>Search results (${this.hits.length})</h2>
              <div class="list" id="hits">${this.hits.map((h) => html`<memos-memory-card .memory=${h.memory} .hit=${h}></memos-memory-card>`)}</div>`
          : nothing}
        <h2>Memories</h2>
        <div class="list" id="memories">
          ${this.memories.length === 0 ? html`<p class="muted">No memories yet.</p>` : this.memories.map((m) => html`<memos-memory-card .memory=${m}></memos-memory-card>`)}
        </div>
      </div>
      <dialog>
        <h2>Version history</h2>
        <ol>
          ${(this.history ?? []).map((v) => html`<li>v${v.version} · ${v.action} · ${new Date(v.at).toISOString()} · by ${v.by}${v.reason ? ` · ${v.reason}` : ''}
            ${v.changes.map((c) => html`<div class="muted">${c.field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}</div>`)}</li>`)}
        </ol>
        <form method="dialog"><button>Close</button></form>
      </dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-app': MemosApp;
  }
}
