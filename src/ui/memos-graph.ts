/**
 * <memos-graph>: the open cube as a graph. Its topics (and subtopics) with their memories; its
 * entities — people, places, organisations, dates, things — filtered by type, name and "as of" a date;
 * a chosen entity drawn at the centre of its memories and of the other entities those memories name
 * (SVG: every node is a button, reachable with Tab and opened with Enter); a chosen memory in full,
 * with the memories it is linked to and through which entities. Lists carry the same content as the
 * drawing, so it reads on a phone and with a screen reader.
 */
import { css, html, nothing, svg } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { mergedKey } from '../core/entity-edits';
import type { MemoryItem } from '../core/memory-item';
import { ENTITY_TYPES, type EntityType, type EntityView, type RelatedResult, type RelationView, type TopicView } from '../protocol/graph-types';
import type { SessionChange } from './app-session';
import './memory-detail';
import { SessionElement } from './session-element';
import { sharedStyles } from './styles';

/** Nodes drawn around a chosen entity at most (memories; entities on the outer ring). */
const RING = 10;

interface Drawing {
  readonly entity: EntityView;
  readonly memories: readonly MemoryItem[];
  /** Other entities those memories name, with the memories that name them. */
  readonly neighbours: readonly { key: string; name: string; type: EntityType; memoryIds: readonly string[] }[];
  /** Typed relations with the entity at one end (as of the chosen date, else every one with its history). */
  readonly relations: readonly RelationView[];
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

const short = (text: string, n = 60) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

@customElement('memos-graph')
export class MemosGraph extends SessionElement {
  static override styles = [
    sharedStyles,
    css`
      .filters { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: end; }
      .layout { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.4fr); gap: 1rem; }
      @media (max-width: 720px) { .layout { grid-template-columns: minmax(0, 1fr); } }
      ul { list-style: none; padding: 0; margin: 0.3rem 0; }
      li { margin: 0.15rem 0; }
      li button { text-align: left; width: 100%; }
      li button, summary, h2, h3, p, .via { overflow-wrap: anywhere; }
      .type { font-size: 0.75rem; color: var(--_muted); margin-left: 0.3rem; }
      svg { width: 100%; height: auto; max-height: 460px; display: block; }
      svg .edge { stroke: var(--_border); stroke-width: 1; }
      svg .node { cursor: pointer; }
      svg .node circle { stroke: var(--_border); }
      svg .node:focus { outline: none; }
      svg .node:focus circle, svg .node:hover circle { stroke: var(--_accent); stroke-width: 3; }
      svg text { font-size: 11px; fill: currentColor; pointer-events: none; }
      svg .centre circle { fill: var(--_accent); }
      svg .centre text { fill: var(--memos-on-accent, #fff); }
      svg .memory circle { fill: var(--memos-card-bg, #fff); }
      svg .entity circle { fill: var(--memos-chip-bg, #eef1f6); }
      details summary { cursor: pointer; }
      .via { font-size: 0.8rem; color: var(--_muted); }
    `,
  ];

  @state() private topics: TopicView[] = [];
  @state() private entities: EntityView[] = [];
  @state() private type: EntityType | '' = '';
  @state() private query = '';
  @state() private asOf = '';
  @state() private drawing: Drawing | undefined;
  @state() private memoryId = '';
  @state() private related: RelatedResult | undefined;
  @state() private texts = new Map<string, string>();
  @state() private pending = 0;
  #poll: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#poll);
  }

  protected override async refresh(what: SessionChange): Promise<void> {
    const s = this.session;
    if (!s || what === 'model' || what === 'chat') return;
    const status = await s.api.graphStatus({});
    this.pending = status?.pending ?? 0;
    // While the worker is still reading memories, look again in a second.
    clearTimeout(this.#poll);
    if (this.pending > 0 && this.isConnected) this.#poll = setTimeout(() => void this.guard(() => this.refresh('memories')), 1000);
    await this.#readEntities();
    this.topics = await s.api.topics({ userId: s.userId, cubeId: s.cubeId });
    await this.#textsOf(this.topics.flatMap((t) => [...t.memoryIds.slice(0, 5), ...t.children.flatMap((c) => c.memoryIds.slice(0, 3))]));
    if (this.drawing) await this.#draw(this.drawing.entity.key);
  }

  async #readEntities(): Promise<void> {
    const s = this.session!;
    const asOf = this.asOf ? Date.parse(`${this.asOf}T23:59:59`) : undefined;
    this.entities = await s.api.entities({
      userId: s.userId,
      cubeId: s.cubeId,
      limit: 200,
      ...(this.query.trim() && { query: this.query.trim() }),
      ...(this.type && { types: [this.type] }),
      ...(asOf !== undefined && Number.isFinite(asOf) && { asOf }),
    });
  }

  /** Reads the texts of memories not read yet (no use counted: looking at the graph is not opening them). */
  async #textsOf(ids: readonly string[]): Promise<void> {
    const s = this.session!;
    const missing = [...new Set(ids)].filter((id) => !this.texts.has(id));
    if (missing.length === 0) return;
    const read = await Promise.all(missing.map((memoryId) => s.api.get({ userId: s.userId, memoryId }).then((m) => m, () => undefined)));
    const texts = new Map(this.texts);
    read.forEach((m, i) => texts.set(missing[i]!, m?.text ?? '(gone)'));
    this.texts = texts;
  }

  async #draw(key: string): Promise<void> {
    const s = this.session!;
    const [entity] = await s.api.entities({ userId: s.userId, cubeId: s.cubeId, query: key, limit: 1000 }).then((all) => all.filter((e) => e.key === key));
    if (!entity) {
      this.drawing = undefined;
      return;
    }
    const ids = entity.memoryIds.slice(0, RING);
    const related = await Promise.all(ids.map((memoryId) => s.api.related({ userId: s.userId, memoryId, limit: 1 })));
    const memories = await Promise.all(ids.map((memoryId) => s.api.get({ userId: s.userId, memoryId })));
    const neighbours = new Map<string, { key: string; name: string; type: EntityType; memoryIds: string[] }>();
    related.forEach((r) => {
      for (const link of r.entities) {
        if (link.key === key || link.type === 'date') continue;
        const n = neighbours.get(link.key) ?? { key: link.key, name: link.name, type: link.type, memoryIds: [] };
        n.memoryIds.push(r.memoryId);
        neighbours.set(link.key, n);
      }
    });
    // The entities that tie most of these memories together, then the rest, up to a ring's worth.
    const ranked = [...neighbours.values()].sort((a, b) => b.memoryIds.length - a.memoryIds.length || (a.key < b.key ? -1 : 1)).slice(0, RING);
    const asOf = this.asOf ? Date.parse(`${this.asOf}T23:59:59`) : undefined;
    const relations = await s.api.relations({
      userId: s.userId,
      cubeId: s.cubeId,
      entity: key,
      limit: 50,
      ...(asOf !== undefined && Number.isFinite(asOf) ? { asOf } : { includeEnded: true }),
    });
    this.drawing = { entity, memories, neighbours: ranked, relations };
  }

  async #open(memoryId: string): Promise<void> {
    const s = this.session!;
    this.memoryId = memoryId;
    this.related = await s.api.related({ userId: s.userId, memoryId, limit: 8 });
    await this.#textsOf(this.related.related.map((r) => r.memoryId));
  }

  #filters() {
    const apply = () => void this.guard(() => this.#readEntities());
    return html`<form class="filters" role="search" aria-label="filter entities" @submit=${(e: Event) => { e.preventDefault(); apply(); }}>
      <label>Name <input type="search" .value=${this.query} @input=${(e: Event) => { this.query = (e.target as HTMLInputElement).value; }} placeholder="e.g. Melanie"></label>
      <label>Type <select @change=${(e: Event) => { this.type = (e.target as HTMLSelectElement).value as EntityType | ''; apply(); }}>
        <option value="">any</option>${ENTITY_TYPES.map((t) => html`<option value=${t} ?selected=${this.type === t}>${t}</option>`)}
      </select></label>
      <label>As of <input type="date" .value=${this.asOf} @change=${(e: Event) => { this.asOf = (e.target as HTMLInputElement).value; apply(); }}></label>
      <button type="submit">Filter</button>
    </form>`;
  }

  #topicList() {
    if (this.topics.length === 0) return html`<p class="muted">No topics yet: add memories and they are grouped here.</p>`;
    const memoryList = (ids: readonly string[], n: number) =>
      html`<ul>${ids.slice(0, n).map((id) => html`<li><button @click=${() => this.guard(() => this.#open(id))}>${short(this.texts.get(id) ?? id, 90)}</button></li>`)}</ul>`;
    return html`<ul aria-label="topics">${this.topics.map(
      (t) => html`<li><details><summary>${t.title ?? t.label} <span class="type">${t.title ? `${t.label} · ` : ''}${t.memoryCount} memories</span></summary>
        ${t.children.length > 0
          ? html`<ul aria-label="subtopics of ${t.title ?? t.label}">${t.children.map((c) => html`<li><details><summary>${c.title ?? c.label} <span class="type">${c.memoryCount}</span></summary>${memoryList(c.memoryIds, 3)}</details></li>`)}</ul>`
          : memoryList(t.memoryIds, 5)}
      </details></li>`,
    )}</ul>`;
  }

  #entityList() {
    if (this.entities.length === 0) return html`<p class="muted">No entities${this.query || this.type || this.asOf ? ' match' : ' yet'}.</p>`;
    return html`<ul aria-label="entities">${this.entities.map(
      (e) => html`<li><button aria-pressed=${this.drawing?.entity.key === e.key ? 'true' : 'false'} @click=${() => this.guard(() => this.#draw(e.key))}>
        ${e.name}<span class="type">${e.type} · ${e.memoryCount}${e.aliases.length ? ` · also ${e.aliases.join(', ')}` : ''}</span></button></li>`,
    )}</ul>`;
  }

  /** The chosen entity at the centre, its memories on the inner ring, the entities they name outside. */
  #svg(d: Drawing) {
    const size = 460;
    const c = size / 2;
    const at = (i: number, n: number, r: number) => ({ x: c + r * Math.cos((2 * Math.PI * i) / Math.max(1, n) - Math.PI / 2), y: c + r * Math.sin((2 * Math.PI * i) / Math.max(1, n) - Math.PI / 2) });
    const inner = new Map(d.memories.map((m, i) => [m.id, at(i, d.memories.length, 110)]));
    const outer = d.neighbours.map((n, i) => ({ n, p: at(i + 0.5, d.neighbours.length, 180) }));
    const key = (fn: () => void) => (e: KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        fn();
      }
    };
    return svg`<svg viewBox="0 -10 ${size} ${size + 30}" role="group" aria-label="${d.entity.name}: its memories and the entities they name">
      ${d.memories.map((m) => svg`<line class="edge" x1=${c} y1=${c} x2=${inner.get(m.id)!.x} y2=${inner.get(m.id)!.y}></line>`)}
      ${outer.flatMap(({ n, p }) => n.memoryIds.map((id) => (inner.has(id) ? svg`<line class="edge" x1=${inner.get(id)!.x} y1=${inner.get(id)!.y} x2=${p.x} y2=${p.y}></line>` : nothing)))}
      <g class="node centre" transform="translate(${c} ${c})"><circle r="26"></circle><text text-anchor="middle" dy="4">${short(d.entity.name, 14)}</text></g>
      ${d.memories.map((m) => {
        const p = inner.get(m.id)!;
        const open = () => void this.guard(() => this.#open(m.id));
        return svg`<g class="node memory" role="button" tabindex="0" aria-label=${`memory: ${short(m.text, 80)}`} transform="translate(${p.x} ${p.y})" @click=${open} @keydown=${key(open)}>
          <circle r="9"></circle><title>${m.text}</title><text text-anchor="middle" dy="22">${short(m.text, 18)}</text></g>`;
      })}
      ${outer.map(({ n, p }) => {
        const go = () => void this.guard(() => this.#draw(n.key));
        return svg`<g class="node entity" role="button" tabindex="0" aria-label=${`${n.type} ${n.name}, named in ${n.memoryIds.length} of these memories`} transform="translate(${p.x} ${p.y})" @click=${go} @keydown=${key(go)}>
          <circle r="14"></circle><text text-anchor="middle" dy="28">${short(n.name, 16)}</text></g>`;
      })}
    </svg>`;
  }

  /** A form to correct the drawn entity: its name, its type, another entity it is the same as, another name for it. */
  #editForm(d: Drawing) {
    const s = this.session!;
    const save = async (form: HTMLFormElement) => {
      const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
      const name = value('name');
      const type = value('type') as EntityType;
      const into = value('into');
      const alias = value('alias');
      const changes = {
        ...(name && name !== d.entity.name && { name }),
        ...(type !== d.entity.type && { type }),
        ...(into && { mergeInto: into }),
        ...(alias && { addAlias: alias }),
      };
      if (Object.keys(changes).length === 0) return;
      const edits = await s.api.editEntity({ userId: s.userId, cubeId: s.cubeId, key: d.entity.key, ...changes });
      form.reset();
      // Merged, it is drawn as the entity it joined (its key as the edits keep it).
      const key = mergedKey(edits, d.entity.key);
      await this.#readEntities();
      await this.#draw(key);
    };
    return html`<details class="edit"><summary>Correct this entity</summary>
      <form class="filters" aria-label="correct ${d.entity.name}" @submit=${(e: Event) => { e.preventDefault(); void this.guard(() => save(e.target as HTMLFormElement)); }}>
        <label>Name <input name="name" .value=${d.entity.name} maxlength="200"></label>
        <label>Type <select name="type">${ENTITY_TYPES.map((t) => html`<option value=${t} ?selected=${t === d.entity.type}>${t}</option>`)}</select></label>
        <label>Same as <input name="into" list="entity-keys" placeholder="another entity"></label>
        <label>Also called <input name="alias" placeholder="e.g. Mel"></label>
        <datalist id="entity-keys">${this.entities.filter((e) => e.key !== d.entity.key).map((e) => html`<option value=${e.key}>${e.name}</option>`)}</datalist>
        <button type="submit">Save</button>
      </form>
      ${d.entity.aliases.length > 0 ? html`<p class="muted">Also called: ${d.entity.aliases.join(', ')}</p>` : nothing}
    </details>`;
  }

  #relationList(d: Drawing) {
    if (d.relations.length === 0) return nothing;
    return html`<h3>Relations</h3><ul aria-label="relations of ${d.entity.name}">${d.relations.map(
      (r) => html`<li><button @click=${() => this.guard(() => this.#open(r.memoryId))}>${r.subject} — ${r.predicate} → ${r.object}</button>
        <span class="type">from ${day(r.validFrom)}${r.validTo !== null ? ` until ${day(r.validTo)}` : ''}${r.current ? '' : ' · no longer true'}</span></li>`,
    )}</ul>`;
  }

  #selected() {
    const s = this.session!;
    if (!this.memoryId) return nothing;
    return html`<section aria-label="memory and its links">
      <div class="row"><h3>Memory</h3><button @click=${() => { this.memoryId = ''; this.related = undefined; }}>Close</button></div>
      <memos-memory-detail .api=${s.api} userId=${s.userId} .memoryId=${this.memoryId}
        @memory-changed=${() => s.changed('memories')} @memory-purged=${() => { this.memoryId = ''; this.related = undefined; s.changed('memories'); }}></memos-memory-detail>
      ${this.related
        ? html`<h4>Names</h4><p>${this.related.entities.map((e) => html`<button @click=${() => this.guard(() => this.#draw(e.key))}>${e.name}<span class="type">${e.type}${e.role ? ` · ${e.role}` : ''}</span></button> `)}</p>
          <h4>Linked memories</h4>
          ${this.related.related.length === 0 ? html`<p class="muted">None shares a specific entity with it.</p>` : html`<ul aria-label="linked memories">${this.related.related.map(
            (r) => html`<li><button @click=${() => this.guard(() => this.#open(r.memoryId))}>${short(r.text, 100)}</button><div class="via">through ${r.via.join(', ')}</div></li>`,
          )}</ul>`}`
        : nothing}
    </section>`;
  }

  override render() {
    if (!this.session) return html`<p class="muted">${this.opening ? 'Opening…' : this.error}</p>`;
    return html`
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <p class="muted" role="status">${this.pending > 0 ? `Reading ${this.pending} memories for people, places and things…` : 'People, places, things and dates your memories name, and the topics they fall into. Recall follows these links (see the score breakdown of a search).'}</p>
      ${this.#filters()}
      <div class="layout">
        <div>
          <h2>Topics</h2>
          ${this.#topicList()}
          <h2>Entities</h2>
          ${this.#entityList()}
        </div>
        <div>
          ${this.drawing
            ? html`<h2>${this.drawing.entity.name} <span class="type">${this.drawing.entity.type} · ${this.drawing.entity.memoryCount} memories</span></h2>${this.#svg(this.drawing)}
              ${this.#editForm(this.drawing)}
              ${this.#relationList(this.drawing)}
              <ul aria-label="memories naming ${this.drawing.entity.name}">${this.drawing.memories.map((m) => html`<li><button @click=${() => this.guard(() => this.#open(m.id))}>${short(m.text, 100)}</button></li>`)}</ul>`
            : html`<p class="muted">Choose an entity to see its memories and what they connect to.</p>`}
          ${this.#selected()}
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-graph': MemosGraph;
  }
}
