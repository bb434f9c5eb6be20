/**
 * <memos-memory-card>: one memory with its header (type, state, source, dates, tags, usage, version)
 * and, for a search hit, why it was recalled. Memory text is always rendered as text, never as HTML.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { MemoryItem } from '../core/memory-item';
import type { SearchHit } from '../protocol/search-types';
import { formatTime } from './styles';
import { citationOf } from './citation';

/** Says in one line why a hit was recalled: which side found it, at which rank, and which words matched. */
export function whyLine(hit: SearchHit): string {
  const p = hit.parts;
  const text = p.bm25Rank !== null ? `words #${p.bm25Rank} (BM25 ${p.bm25.toFixed(2)})` : 'no word match';
  const vector = p.vectorRank !== null && p.vector !== null ? `meaning #${p.vectorRank} (cosine ${p.vector.toFixed(2)})` : 'no vector match';
  const extras = [
    p.preferenceRank !== null ? `your preference #${p.preferenceRank}` : '',
    p.speaker > 0 ? 'said by the person asked about' : '',
    p.time > 0 ? 'said in the time asked about' : '',
    p.session > 0 ? `session match ${(p.session * 100).toFixed(1)}` : '',
    p.linkedVia?.length ? `linked through ${p.linkedVia.slice(0, 3).join(', ')}` : '',
  ].filter(Boolean);
  const matched = hit.matchedTerms.length > 0 ? ` · matched: ${hit.matchedTerms.join(', ')}` : '';
  return `score ${hit.score.toFixed(4)} · ${text} · ${vector}${extras.map((e) => ` · ${e}`).join('')}${matched}`;
}

/** Asks the app to act on a memory: open its details, archive, restore, freeze or unfreeze. */
export type MemoryAction = 'details' | 'archive' | 'restore' | 'freeze' | 'unfreeze';

@customElement('memos-memory-card')
export class MemoryCard extends LitElement {
  static override styles = css`
    :host { display: block; border: 1px solid var(--memos-border, #d0d4dc); border-radius: 8px; padding: 0.75rem 1rem; background: var(--memos-card-bg, #fff); }
    .text { white-space: pre-wrap; margin: 0 0 0.5rem; font-size: 0.95rem; }
    .meta { display: flex; flex-wrap: wrap; gap: 0.35rem 0.75rem; font-size: 0.78rem; color: var(--memos-muted, #555b6a); }
    .chip { background: var(--memos-chip-bg, #eef1f6); border-radius: 999px; padding: 0 0.5rem; }
    .why { margin-top: 0.4rem; font-size: 0.78rem; color: var(--memos-accent-text, #2450c4); }
    :host([selected]) { border-color: var(--memos-accent, #2f5bd3); box-shadow: 0 0 0 1px var(--memos-accent, #2f5bd3); }
    .actions { margin-top: 0.5rem; display: flex; gap: 0.4rem; }
    button:focus-visible { outline: 2px solid var(--memos-accent, #2f5bd3); outline-offset: 2px; }
    button { font: inherit; font-size: 0.78rem; padding: 0.15rem 0.6rem; border-radius: 6px; border: 1px solid var(--memos-border, #d0d4dc); background: var(--memos-button-bg, #fff); color: inherit; cursor: pointer; }
  `;

  /** The memory to show. */
  @property({ attribute: false }) memory?: MemoryItem;
  /** The search hit that found it, when it came from a search. */
  @property({ attribute: false }) hit?: SearchHit;
  /** The memory is in a cube the user may only read: no change buttons, only Details. */
  @property({ type: Boolean, reflect: true }) readonly = false;

  #act(action: MemoryAction): void {
    this.dispatchEvent(new CustomEvent<{ action: MemoryAction; memoryId: string }>('memory-action', { detail: { action, memoryId: this.memory!.id }, bubbles: true, composed: true }));
  }

  override render() {
    const m = this.memory;
    if (!m) return nothing;
    const live = m.state === 'generated' || m.state === 'activated' || m.state === 'merged';
    return html`
      <p class="text" part="text">${m.text}</p>
      <div class="meta" part="meta">
        <span class="chip" title="semantic type">${m.semanticType}</span>
        <span class="chip" title="memory type">${m.memoryType}</span>
        <span class="chip" title="lifecycle state" data-state=${m.state}>${m.state}</span>
        <span title="source">from ${m.source}</span>
        <span title="created">created ${formatTime(m.createdAt)}</span>
        <span title="version">v${m.version}</span>
        <span title="usage">used ${m.usage.accessCount}×</span>
        ${m.expiresAt !== null ? html`<span title="expires">expires ${formatTime(m.expiresAt)}</span>` : nothing}
        ${m.tags.map((t) => html`<span class="chip">#${t}</span>`)}
        ${m.sensitivity.map((t) => html`<span class="chip" title="sensitivity">⚠ ${t}</span>`)}
        ${m.sourceRefs[0]?.speaker ? html`<span title="said by">said by ${m.sourceRefs[0].speaker} ${formatTime(m.sourceRefs[0].spokenAt)}</span>` : nothing}
        ${citationOf(m.sourceRefs[0]) ? html`<span class="citation" title="where in the document">in ${citationOf(m.sourceRefs[0])}</span>` : nothing}
      </div>
      ${this.hit
        ? html`<div class="why" part="why">${whyLine(this.hit)}</div>`
        : nothing}
      <div class="actions">
        ${live && !this.readonly ? html`<button @click=${() => this.#act('archive')}>Delete</button><button @click=${() => this.#act('freeze')}>Freeze</button>` : nothing}
        ${m.state === 'archived' && !this.readonly ? html`<button @click=${() => this.#act('restore')}>Restore</button>` : nothing}
        ${m.state === 'frozen' && !this.readonly ? html`<button @click=${() => this.#act('unfreeze')}>Unfreeze</button>` : nothing}
        <button @click=${() => this.#act('details')} aria-label="details and history">Details</button>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-memory-card': MemoryCard;
  }
}
