/**
 * <memos-memory-detail>: one memory in full — every header field, an edit form, the version history
 * with each change as a word diff, rollback to any earlier version, and the lifecycle actions
 * (freeze, delete, restore, purge — purge asks first, in the page). Text is always rendered as text.
 */
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { SEMANTIC_TYPES, type MemoryItem, type MemoryVersion, type SemanticType } from '../core/memory-item';
import type { MemosApi } from '../protocol/memory-worker-api';
import { describeError } from './app-session';
import { formatTime, sharedStyles } from './styles';
import { citationOf } from './citation';
import { diffWords } from './text-diff';

const show = (value: unknown): string => (value === null || value === undefined ? '—' : Array.isArray(value) ? value.join(', ') || '—' : typeof value === 'object' ? JSON.stringify(value) : String(value));

@customElement('memos-memory-detail')
export class MemoryDetail extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.8rem; font-size: 0.85rem; margin: 0.5rem 0; }
      dt { color: var(--_muted); }
      dd { margin: 0; overflow-wrap: anywhere; }
      .text { white-space: pre-wrap; font-size: 0.95rem; }
      del { background: var(--memos-del-bg, #fde2e2); text-decoration: line-through; }
      ins { background: var(--memos-ins-bg, #dcf5e3); text-decoration: none; }
      ol { padding-left: 1.2rem; font-size: 0.85rem; }
      li { margin: 0.4rem 0; }
      form.edit { display: grid; gap: 0.4rem; }
      form.edit textarea { min-height: 4rem; }
    `,
  ];

  /** The API to act through. */
  @property({ attribute: false }) api: MemosApi | undefined;
  /** The user acting. */
  @property() userId = '';
  /** The memory is in a cube the user may only read: history without change actions. */
  @property({ type: Boolean, reflect: true }) readonly = false;
  @property({ attribute: false }) memoryId = '';
  @state() private memory: MemoryItem | undefined;
  @state() private versions: MemoryVersion[] = [];
  @state() private editing = false;
  @state() private confirmPurge = false;
  @state() private error = '';

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    // A person opening a memory is a use of it; reading it again after a change is not.
    if ((changed.has('memoryId') || changed.has('api')) && this.api && this.memoryId) void this.#load(changed.has('memoryId'));
  }

  /** Re-reads the memory and its history (after a change made elsewhere). */
  reload(): Promise<void> {
    return this.#load(false);
  }

  async #load(opened: boolean): Promise<void> {
    try {
      const ref = { userId: this.userId, memoryId: this.memoryId };
      [this.memory, this.versions] = await Promise.all([this.api!.get({ ...ref, ...(opened && { trackUsage: true }) }), this.api!.history(ref)]);
      this.error = '';
    } catch (error) {
      this.error = describeError(error);
    }
  }

  async #act(fn: (api: MemosApi, ref: { userId: string; memoryId: string }) => Promise<unknown>): Promise<void> {
    try {
      await fn(this.api!, { userId: this.userId, memoryId: this.memoryId });
      this.editing = false;
      this.confirmPurge = false;
      this.dispatchEvent(new CustomEvent('memory-changed', { detail: this.memoryId, bubbles: true, composed: true }));
      await this.#load(false);
    } catch (error) {
      this.error = describeError(error);
    }
  }

  #save(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const tags = String(data.get('tags') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    const ttlDays = Number(data.get('ttl'));
    void this.#act((api, ref) =>
      api.update({
        ...ref,
        expectedVersion: this.memory!.version,
        reason: 'edited in the inspector',
        patch: {
          text: String(data.get('text') ?? ''),
          tags,
          semanticType: String(data.get('type')) as SemanticType,
          expiresAt: ttlDays > 0 ? Date.now() + ttlDays * 86_400_000 : null,
        },
      }),
    );
  }

  #renderVersion(v: MemoryVersion, previous: MemoryVersion | undefined) {
    const textChange = v.changes.find((c) => c.field === 'text');
    const before = textChange ? String(textChange.from ?? '') : previous?.snapshot.text ?? '';
    const current = this.memory?.version === v.version;
    return html`<li data-version=${v.version}>
      <strong>v${v.version}</strong> · ${v.action} · ${formatTime(v.at)} · by ${v.by}${v.reason ? ` · ${v.reason}` : ''}
      ${textChange
        ? html`<div class="text diff">${diffWords(before, String(textChange.to ?? '')).map((p) => (p.kind === 'same' ? p.text : p.kind === 'removed' ? html`<del>${p.text}</del>` : html`<ins>${p.text}</ins>`))}</div>`
        : nothing}
      ${v.changes.filter((c) => c.field !== 'text').map((c) => html`<div class="muted">${c.field}: ${show(c.from)} → ${show(c.to)}</div>`)}
      ${!current && this.memory?.state !== 'frozen' && !this.readonly
        ? html`<button aria-label="roll back to version ${v.version}" @click=${() => this.#act((api, ref) => api.rollback({ ...ref, version: v.version }))}>Roll back to v${v.version}</button>`
        : current ? html`<span class="muted">(current)</span>` : nothing}
    </li>`;
  }

  override render() {
    const m = this.memory;
    if (this.error && !m) return html`<div class="error" role="alert">${this.error}</div>`;
    if (!m) return html`<p class="muted">Loading…</p>`;
    const live = m.state === 'generated' || m.state === 'activated' || m.state === 'merged';
    const ref = m.sourceRefs[0];
    return html`<article part="detail" aria-label="memory details">
      <p class="text" part="text">${m.text}</p>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <div class="row" role="toolbar" aria-label="memory actions" ?hidden=${this.readonly}>
        ${live || m.state === 'frozen' ? html`<button @click=${() => { this.editing = !this.editing; }} ?disabled=${m.state === 'frozen'}>Edit</button>` : nothing}
        ${live ? html`<button @click=${() => this.#act((api, r) => api.freeze(r))}>Freeze</button><button @click=${() => this.#act((api, r) => api.delete(r))}>Delete</button>` : nothing}
        ${m.state === 'frozen' ? html`<button @click=${() => this.#act((api, r) => api.unfreeze(r))}>Unfreeze</button>` : nothing}
        ${m.state === 'archived' || m.state === 'expired' ? html`<button @click=${() => this.#act((api, r) => api.restore(r))}>Restore</button>` : nothing}
        ${m.state !== 'frozen' ? html`<button @click=${() => { this.confirmPurge = true; }}>Purge</button>` : nothing}
      </div>
      ${this.confirmPurge
        ? html`<div class="error" role="alertdialog" aria-label="confirm purge">Purge this memory and its whole history for good? This cannot be undone.
            <button @click=${() => this.#act((api, r) => api.purge(r)).then(() => this.dispatchEvent(new CustomEvent('memory-purged', { bubbles: true, composed: true })))}>Yes, purge</button>
            <button @click=${() => { this.confirmPurge = false; }}>Cancel</button></div>`
        : nothing}
      ${this.editing
        ? html`<form class="edit box" @submit=${(e: SubmitEvent) => this.#save(e)} aria-label="edit memory">
            <label>Text <textarea name="text" required .value=${m.text}></textarea></label>
            <label>Tags <input name="tags" .value=${m.tags.join(', ')} /></label>
            <label>Type <select name="type">${SEMANTIC_TYPES.map((t) => html`<option ?selected=${t === m.semanticType}>${t}</option>`)}</select></label>
            <label>Expires in days (0 = never) <input name="ttl" type="number" min="0" .value=${m.expiresAt ? String(Math.max(1, Math.round((m.expiresAt - Date.now()) / 86_400_000))) : '0'} /></label>
            <div class="row"><button class="primary" type="submit">Save as v${m.version + 1}</button><button type="button" @click=${() => { this.editing = false; }}>Cancel</button></div>
          </form>`
        : nothing}
      <dl>
        <dt>id</dt><dd>${m.id}</dd>
        <dt>type</dt><dd>${m.semanticType}</dd>
        <dt>kind</dt><dd>${m.memoryType} (plaintext)</dd>
        <dt>state</dt><dd>${m.state}</dd>
        <dt>source</dt><dd>${m.source}${ref?.speaker ? ` · said by ${ref.speaker}` : ''}${ref?.spokenAt ? ` on ${formatTime(ref.spokenAt)}` : ''}${ref?.sessionId ? ` · session ${ref.sessionId}` : ''}${ref?.messageId ? ` · turn ${ref.messageId}` : ''}${citationOf(ref) ? ` · ${citationOf(ref)}` : ''}</dd>
        <dt>created</dt><dd>${formatTime(m.createdAt)}</dd>
        <dt>updated</dt><dd>${formatTime(m.updatedAt)}</dd>
        ${m.relation ? html`<dt>relation</dt><dd>${m.relation.subject} — ${m.relation.predicate} → ${m.relation.object}</dd>` : nothing}
        ${m.validFrom != null || m.validTo != null ? html`<dt>valid</dt><dd>${formatTime(m.validFrom)} → ${formatTime(m.validTo)}</dd>` : nothing}
        <dt>tags</dt><dd>${show(m.tags)}</dd>
        <dt>usage</dt><dd>used ${m.usage.accessCount}× · last ${formatTime(m.usage.lastAccessAt)}</dd>
        <dt>expires</dt><dd>${m.expiresAt === null ? 'never' : formatTime(m.expiresAt)}</dd>
        <dt>sensitivity</dt><dd>${show(m.sensitivity)}</dd>
        <dt>visibility</dt><dd>${m.visibility}</dd>
        <dt>priority</dt><dd>${m.priority}</dd>
        ${m.key ? html`<dt>key</dt><dd>${m.key}</dd>` : nothing}
        ${m.mergedFrom?.length ? html`<dt>merged from</dt><dd>${m.mergedFrom.join(', ')}</dd>` : nothing}
        ${m.supersededBy ? html`<dt>superseded by</dt><dd>${m.supersededBy}</dd>` : nothing}
        <dt>version</dt><dd>${m.version}</dd>
      </dl>
      <h3>Version history</h3>
      <ol reversed id="versions">${[...this.versions].reverse().map((v) => this.#renderVersion(v, this.versions[this.versions.indexOf(v) - 1]))}</ol>
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-memory-detail': MemoryDetail;
  }
}
