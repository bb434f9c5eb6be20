/**
 * <memos-inspector>: the memory inspector. Add and search memories; filter by type, state and words;
 * memories over time by type; every memory's header on a card, and its details (all fields, edit,
 * version history as diffs, rollback, lifecycle actions) beside the list; the three kinds of memory of
 * the cube side by side — plaintext, KV (activation) cubes with their sizes and states, parametric;
 * the cube's documents (<memos-documents>).
 * Embeddable on its own: `<memos-inspector store="my-app"></memos-inspector>`.
 */
import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ActivationItem } from '../core/activation-item';
import type { AdapterItem } from '../core/adapter-item';
import { LIFECYCLE_STATES, type LifecycleState } from '../core/lifecycle';
import { SEMANTIC_TYPES, type MemoryItem, type SemanticType } from '../core/memory-item';
import type { SearchHit } from '../protocol/search-types';
import type { SessionChange } from './app-session';
import type { MemoryAction } from './memory-card';
import { memoriesOverTimePlot, scoreBreakdownPlot } from './plots';
import { SessionElement } from './session-element';
import { formatBytes, formatTime, sharedStyles } from './styles';
import { newestMemories, SHOWN_STATES } from './newest-memories';
import './memory-card';
import './memory-detail';
import { isMatch, WEAK_MEANING } from './relevance';
import './memos-adapters';
import './memos-documents';

const PAGE = 200;

/**
 * The memory inspector, embeddable on its own.
 * @csspart inspector - the whole inspector
 * @csspart kinds - the plaintext / KV / parametric summary
 * @cssprop --memos-accent - accent colour
 * @cssprop --memos-fg - text colour
 * @cssprop --memos-border - border colour
 * @cssprop --memos-card-bg - background of memory cards
 * @cssprop --memos-radius - corner radius
 */
@customElement('memos-inspector')
export class MemosInspector extends SessionElement {
  static override styles = [
    sharedStyles,
    css`
      .layout { display: grid; grid-template-columns: 1fr; gap: 1rem; }
      .layout.with-detail { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
      @media (max-width: 800px) { .layout.with-detail { grid-template-columns: 1fr; } }
      .list { display: grid; gap: 0.6rem; }
      form.add textarea { flex: 1 1 100%; min-height: 3.5rem; padding: 0.5rem; }
      input[type='search'] { flex: 1; padding: 0.35rem; }
      .kinds { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 0.6rem; }
      .kind { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.5rem 0.7rem; }
      .kind strong { font-size: 1.2rem; display: block; }
      aside { position: sticky; top: 0.5rem; align-self: start; max-height: 95vh; overflow: auto; }
    `,
  ];

  @state() private memories: MemoryItem[] = [];
  @state() private total = 0;
  @state() private hits: SearchHit[] | undefined;
  @state() private activations: ActivationItem[] = [];
  @state() private adapters: AdapterItem[] = [];
  @state() private selected = '';
  @state() private typeFilter: SemanticType | '' = '';
  @state() private stateFilter: LifecycleState | 'live' | '' = 'live';
  @state() private words = '';
  @state() private limit = PAGE;
  @state() private embedderLine = '';
  /** The user's access to the open cube, and who shared it when it is not theirs. */
  @state() private access: { readonly level: 'owner' | 'read' | 'write'; readonly owner: string } | undefined;
  /** The query whose hits are shown, so they can be read again when memories change. */
  #query = '';

  protected override async refresh(what: SessionChange): Promise<void> {
    const session = this.session;
    if (!session || what === 'model') return;
    const opened = session.memos.opened;
    this.embedderLine = opened.embedder
      ? `Search matches words and meaning (${opened.embedder}, running offline in this browser).`
      : opened.embedderError
        ? `Search matches words only: the offline embedding model did not load (${opened.embedderError}).`
        : 'Search matches words only.';
    if (what === 'selection' || what === 'cubes') {
      const view = (await session.api.listCubes({ userId: session.userId })).find((c) => c.cube.cubeId === session.cubeId);
      this.access = view ? { level: view.access, owner: view.cube.ownerId } : undefined;
    }
    if (what === 'selection') this.hits = undefined;
    // Shown hits are read again: an edited, archived or purged memory never stays listed as it was.
    else if (this.hits && this.#query) this.hits = await session.api.search({ userId: session.userId, query: this.#query, cubeIds: [session.cubeId], topK: 20 });
    const states = this.stateFilter === 'live' ? SHOWN_STATES : this.stateFilter ? [this.stateFilter] : undefined;
    const newest = await newestMemories(session.api, session.userId, session.cubeId, this.limit, states);
    this.memories = newest.items;
    this.total = newest.total;
    this.activations = await session.api.listActivations({ userId: session.userId, cubeId: session.cubeId }).catch(() => []);
    this.adapters = await session.api.listAdapters({ userId: session.userId, cubeId: session.cubeId }).catch(() => []);
    if (this.selected) await this.renderRoot.querySelector('memos-memory-detail')?.reload();
  }

  /** Search results: the matches, then weak matches (no shared word, little shared meaning) folded away. */
  #results(hits: readonly SearchHit[]) {
    const card = (h: SearchHit) => html`<memos-memory-card .memory=${h.memory} .hit=${h} ?selected=${h.memory.id === this.selected} ?readonly=${this.access?.level === 'read'}></memos-memory-card>
      <details><summary class="muted">score breakdown</summary>${scoreBreakdownPlot(h.parts)}</details>`;
    const strong = hits.filter(isMatch);
    const weak = hits.filter((h) => !isMatch(h));
    return html`<h2>Search results (${strong.length})</h2>
      <div class="list" id="hits">${strong.map(card)}</div>
      ${strong.length === 0 ? html`<p class="muted">No memory shares a word with the search or comes close in meaning.</p>` : nothing}
      ${weak.length > 0
        ? html`<details id="weak-hits"><summary class="muted">${weak.length} weak matches (no shared word, meaning similarity below ${WEAK_MEANING})</summary>
            <div class="list">${weak.map(card)}</div></details>`
        : nothing}`;
  }

  /** Adds files to the open cube as documents (the app calls it for files dropped on it). */
  addFiles(files: readonly File[]): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector('memos-documents')?.addFiles(files));
  }

  #visible(): MemoryItem[] {
    const words = this.words.toLowerCase();
    return this.memories.filter((m) => (!this.typeFilter || m.semanticType === this.typeFilter) && (!words || m.text.toLowerCase().includes(words) || m.tags.some((t) => t.toLowerCase().includes(words))));
  }

  #onAdd = (event: SubmitEvent): void => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = String(data.get('text') ?? '').trim();
    if (!text) return;
    const tags = String(data.get('tags') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    void this.guard(async () => {
      const s = this.session!;
      await s.api.add({ userId: s.userId, cubeId: s.cubeId, memory: { text, tags, semanticType: String(data.get('type')) as SemanticType } });
      form.reset();
      s.changed('memories');
    });
  };

  #onSearch = (event: SubmitEvent): void => {
    event.preventDefault();
    const query = String(new FormData(event.target as HTMLFormElement).get('q') ?? '').trim();
    void this.guard(async () => {
      const s = this.session!;
      this.#query = query;
      this.hits = query ? await s.api.search({ userId: s.userId, query, cubeIds: [s.cubeId], topK: 20 }) : undefined;
    });
  };

  #onAction = (event: CustomEvent<{ action: MemoryAction; memoryId: string }>): void => {
    const { action, memoryId } = event.detail;
    if (action === 'details') {
      this.selected = memoryId;
      return;
    }
    void this.guard(async () => {
      const s = this.session!;
      const ref = { userId: s.userId, memoryId };
      if (action === 'archive') await s.api.delete(ref);
      if (action === 'restore') await s.api.restore(ref);
      if (action === 'freeze') await s.api.freeze(ref);
      if (action === 'unfreeze') await s.api.unfreeze(ref);
      s.changed('memories');
    });
  };

  #kinds() {
    const kvBytes = this.activations.reduce((n, a) => n + a.bytes, 0);
    return html`<div class="kinds" part="kinds" aria-label="memory kinds">
      <div class="kind"><span class="muted">plaintext</span><strong>${this.total}</strong><span class="muted">${this.stateFilter === 'live' ? 'live ' : ''}memories</span></div>
      <div class="kind" id="kv-summary"><span class="muted">activation (KV)</span><strong>${this.activations.length}</strong><span class="muted">cubes · ${formatBytes(kvBytes)}</span></div>
      <div class="kind" id="adapter-summary"><span class="muted">parametric (adapters)</span><strong>${this.adapters.length}</strong><span class="muted">cubes · ${formatBytes(this.adapters.reduce((n, a) => n + a.bytes, 0))} · ${this.adapters.filter((a) => a.active).length} active</span></div>
    </div>`;
  }

  #kvTable() {
    if (this.activations.length === 0) return html`<p class="muted">No KV cubes. In chat, "Keep as KV cube" turns the memories an answer used into one; the scheduler also promotes memories recalled often.</p>`;
    return html`<table id="kv">
      <thead><tr><th>KV cube</th><th>Tokens</th><th>Size</th><th>State</th><th>Model</th><th>Built from</th><th>Used</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${this.activations.map(
        (a) => html`<tr>
          <td title=${a.text}>${a.id.slice(0, 11)}<div class="muted">${formatTime(a.createdAt)}</div></td>
          <td>${a.tokenIds.length}</td>
          <td>${formatBytes(a.bytes)} ${a.encoding}</td>
          <td>${a.staleReason ? html`stale <span class="muted">(${a.staleReason})</span>` : a.sessions.length ? 'active' : 'idle'}</td>
          <td>${a.model.modelId}</td>
          <td>${a.sources.length} memories${a.composedFrom.length ? ` · composed of ${a.composedFrom.length}` : ''}</td>
          <td>${a.usage.accessCount}×</td>
          <td><button aria-label="evict KV cube ${a.id.slice(0, 11)}" @click=${() => this.guard(async () => { const s = this.session!; await s.api.evictActivation({ userId: s.userId, activationId: a.id }); s.changed('memories'); })}>Evict</button></td>
        </tr>`,
      )}</tbody>
    </table>`;
  }

  override render() {
    const session = this.session;
    if (!session) return html`<p class="muted">${this.error || 'Opening the memory store…'}</p>`;
    const visible = this.#visible();
    return html`<section part="inspector" aria-label="memory inspector">
      <p class="muted" id="search-mode">${this.embedderLine}</p>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.access?.level === 'read'
        ? html`<p class="badge" id="read-only" role="note">Read-only: ${this.access.owner} shared this cube with you to read. You can search and open its memories, not change them.</p>`
        : html`<form class="add row" @submit=${this.#onAdd} aria-label="add a memory">
            <textarea name="text" placeholder="Something worth remembering…" aria-label="memory text" required></textarea>
            <input name="tags" placeholder="tags, comma separated" aria-label="tags" />
            <select name="type" aria-label="type">${SEMANTIC_TYPES.map((t) => html`<option value=${t}>${t}</option>`)}</select>
            <button class="primary" type="submit">Remember</button>
          </form>`}
      <form class="row" role="search" @submit=${this.#onSearch} aria-label="search memories">
        <input type="search" name="q" placeholder="Search memories" aria-label="search memories" />
        <button type="submit">Search</button>
        ${this.hits ? html`<button type="button" @click=${() => { this.hits = undefined; }}>Clear results</button>` : nothing}
      </form>
      ${this.#kinds()}
      <h2>Documents</h2>
      <memos-documents .session=${session} ?readonly=${this.access?.level === 'read'}></memos-documents>
      ${memoriesOverTimePlot(this.memories)}
      <div class="layout ${this.selected ? 'with-detail' : ''}">
        <div @memory-action=${this.#onAction}>
          ${this.hits ? this.#results(this.hits) : nothing}
          <h2>Memories</h2>
          <div class="row" aria-label="filters">
            <label>Type <select id="type-filter" @change=${(e: Event) => { this.typeFilter = (e.target as HTMLSelectElement).value as SemanticType | ''; }}>
              <option value="">all</option>${SEMANTIC_TYPES.map((t) => html`<option value=${t}>${t}</option>`)}</select></label>
            <label>State <select id="state-filter" @change=${(e: Event) => { this.stateFilter = (e.target as HTMLSelectElement).value as LifecycleState | 'live' | ''; void this.guard(() => this.refresh('memories')); }}>
              <option value="live">live</option><option value="">all, with deleted and expired</option>${LIFECYCLE_STATES.map((t) => html`<option value=${t}>${t}</option>`)}</select></label>
            <label>Words <input type="text" id="word-filter" .value=${this.words} @input=${(e: Event) => { this.words = (e.target as HTMLInputElement).value; }} /></label>
            <span class="muted">${visible.length} shown of ${this.total}</span>
          </div>
          <div class="list" id="memories">
            ${visible.length === 0 ? html`<p class="muted">No memories yet.</p>` : visible.map((m) => html`<memos-memory-card .memory=${m} ?selected=${m.id === this.selected} ?readonly=${this.access?.level === 'read'}></memos-memory-card>`)}
          </div>
          ${this.total > this.limit ? html`<button @click=${() => { this.limit += PAGE; void this.guard(() => this.refresh('memories')); }}>Show ${Math.min(PAGE, this.total - this.limit)} older</button>` : nothing}
        </div>
        ${this.selected
          ? html`<aside aria-label="selected memory">
              <div class="row"><h2>Details</h2><button @click=${() => { this.selected = ''; }}>Close details</button></div>
              <memos-memory-detail .api=${session.api} userId=${session.userId} .memoryId=${this.selected} ?readonly=${this.access?.level === 'read'}
                @memory-changed=${() => session.changed('memories')} @memory-purged=${() => { this.selected = ''; }}></memos-memory-detail>
            </aside>`
          : nothing}
      </div>
      <h2>KV cubes</h2>
      ${this.#kvTable()}
      <h2>Adapter cubes</h2>
      <memos-adapters .session=${session}></memos-adapters>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-inspector': MemosInspector;
  }
}
