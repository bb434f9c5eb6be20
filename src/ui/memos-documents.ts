/**
 * <memos-documents>: the documents of the open cube. Pick files (or drop them anywhere in the app),
 * follow each one as it is read, embedded and stored (with Cancel), open a document to read its chunks
 * with their pages and headings, remove a document with everything of it.
 */
import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { DocumentRecord } from '../core/document-item';
import type { MemoryItem } from '../core/memory-item';
import type { TaskProgress } from '../protocol/memory-types';
import { describeError, type SessionChange } from './app-session';
import { citationOf } from './citation';
import { describeProgress } from './running-task';
import { SessionElement } from './session-element';
import { formatBytes, formatTime, sharedStyles } from './styles';

/** The formats the file picker offers. */
const ACCEPT = '.pdf,.docx,.html,.htm,.md,.markdown,.txt,application/pdf,text/html,text/markdown,text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** One file being added (or done) in this view. */
interface Upload {
  readonly id: number;
  readonly name: string;
  status: 'waiting' | 'reading' | 'done' | 'unchanged' | 'failed' | 'cancelled';
  progress?: TaskProgress;
  message?: string;
  controller: AbortController;
}

/**
 * Documents of the open cube, embeddable on its own.
 * @csspart documents - the whole view
 */
@customElement('memos-documents')
export class MemosDocuments extends SessionElement {
  static override styles = [
    sharedStyles,
    css`
      .failed { color: var(--memos-error-fg, #7a1414); }
      /* A document's title and name may be one endless word: they break anywhere, the other columns keep theirs. */
      td.name { overflow-wrap: anywhere; min-width: 10rem; }
      .uploads li { min-width: 0; }
      .uploads { display: grid; gap: 0.3rem; margin: 0.5rem 0; padding: 0; list-style: none; }
      .chunk { border-left: 3px solid var(--_border); padding: 0.2rem 0.6rem; margin: 0.4rem 0; white-space: pre-wrap; }
    `,
  ];

  /** Read-only (a cube shared to read): no adding or removing. */
  @property({ type: Boolean }) readonly = false;
  @state() private documents: DocumentRecord[] = [];
  @state() private uploads: Upload[] = [];
  @state() private openDocument: { document: DocumentRecord; chunks: readonly MemoryItem[] } | undefined;
  @state() private confirming = '';
  @state() private keepOriginal = false;
  #next = 0;
  #queue: Promise<void> = Promise.resolve();

  protected override async refresh(what: SessionChange): Promise<void> {
    const s = this.session;
    if (!s || what === 'model') return;
    if (what === 'selection') this.openDocument = undefined;
    this.documents = await s.api.listDocuments({ userId: s.userId, cubeId: s.cubeId });
  }

  /** Adds files to the open cube, one after the other (the app calls it for files dropped on it). */
  addFiles(files: Iterable<File>): void {
    for (const file of files) {
      const upload: Upload = { id: this.#next++, name: file.name, status: 'waiting', controller: new AbortController() };
      this.uploads = [...this.uploads, upload];
      this.#queue = this.#queue.then(() => this.#add(file, upload));
    }
  }

  async #add(file: File, upload: Upload): Promise<void> {
    const s = this.session;
    if (!s || upload.controller.signal.aborted) return this.#set(upload, { status: 'cancelled' });
    this.#set(upload, { status: 'reading' });
    try {
      const result = await s.api.addDocument(
        { userId: s.userId, cubeId: s.cubeId, file, options: { keepOriginal: this.keepOriginal } },
        { signal: upload.controller.signal, onProgress: (progress) => this.#set(upload, { progress }) },
      );
      const d = result.document;
      const without = d.pagesWithoutText.length > 0 ? ` · ${d.pagesWithoutText.length} pages have no text layer (scans are not read)` : '';
      this.#set(upload, result.unchanged
        ? { status: 'unchanged', message: 'already here: the same file was added before, nothing changed' }
        : { status: 'done', message: `${d.chunkIds.length} ${d.chunkIds.length === 1 ? 'passage' : 'passages'}${d.pageCount !== null ? ` from ${d.pageCount} pages` : ''}${result.superseded ? ` · replaces version ${result.superseded.version}` : ''}${without}` });
      s.changed('memories');
    } catch (error) {
      const cancelled = (error as { code?: string }).code === 'ABORTED';
      this.#set(upload, { status: cancelled ? 'cancelled' : 'failed', message: cancelled ? 'cancelled: nothing of it was kept' : describeError(error) });
    }
  }

  #set(upload: Upload, change: Partial<Upload>): void {
    Object.assign(upload, change);
    this.uploads = [...this.uploads];
  }

  async #open(documentId: string): Promise<void> {
    const s = this.session!;
    this.openDocument = this.openDocument?.document.documentId === documentId ? undefined : await s.api.getDocument({ userId: s.userId, documentId });
  }

  async #remove(documentId: string): Promise<void> {
    const s = this.session!;
    this.confirming = '';
    await s.api.deleteDocument({ userId: s.userId, documentId });
    if (this.openDocument?.document.documentId === documentId) this.openDocument = undefined;
    s.changed('memories');
  }

  #uploadLine(u: Upload) {
    const running = u.status === 'waiting' || u.status === 'reading';
    const status = u.status === 'reading' ? (u.progress ? describeProgress(u.progress) : 'opening the file') : u.status;
    return html`<li role="status" aria-label="adding ${u.name}">
      <strong>${u.name}</strong> — ${status}${u.message ? html` · <span class=${u.status === 'failed' ? 'failed' : 'muted'}>${u.message}</span>` : nothing}
      ${running ? html`<button @click=${() => u.controller.abort()} aria-label="cancel adding ${u.name}">Cancel</button>` : nothing}
    </li>`;
  }

  #row(d: DocumentRecord) {
    const confirm = this.confirming === d.documentId;
    return html`<tr>
      <td class="name"><strong>${d.title}</strong><div class="muted">${d.name}${d.version > 1 ? ` · version ${d.version}` : ''}</div></td>
      <td>${d.type}</td>
      <td>${d.pageCount ?? '—'}${d.pagesWithoutText.length > 0 ? html`<div class="muted">${d.pagesWithoutText.length} without text</div>` : nothing}</td>
      <td>${d.chunkIds.length}</td>
      <td>${formatBytes(d.bytes)}${d.original ? html`<div class="muted">kept</div>` : nothing}</td>
      <td>${formatTime(d.addedAt)}<div class="muted">by ${d.addedBy}</div></td>
      <td>
        <button aria-label="open ${d.name}" @click=${() => this.guard(() => this.#open(d.documentId))}>${this.openDocument?.document.documentId === d.documentId ? 'Close' : 'Open'}</button>
        ${this.readonly
          ? nothing
          : confirm
            ? html`<div class="error" role="alertdialog" aria-label="confirm removing ${d.name}">Remove ${d.name}, its earlier versions and all ${d.chunkIds.length} passages for good?
                <button @click=${() => this.guard(() => this.#remove(d.documentId))}>Yes, remove</button>
                <button @click=${() => { this.confirming = ''; }}>Cancel</button></div>`
            : html`<button aria-label="remove ${d.name}" @click=${() => { this.confirming = d.documentId; }}>Remove…</button>`}
      </td>
    </tr>`;
  }

  override render() {
    if (!this.session) return html`<p class="muted">${this.error || 'Opening the memory store…'}</p>`;
    const open = this.openDocument;
    return html`<section part="documents" aria-label="documents">
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.readonly
        ? nothing
        : html`<div class="row">
            <label>Add documents <input type="file" id="document-files" multiple accept=${ACCEPT}
              @change=${(e: Event) => { const input = e.target as HTMLInputElement; this.addFiles([...(input.files ?? [])]); input.value = ''; }} /></label>
            <label><input type="checkbox" .checked=${this.keepOriginal} @change=${(e: Event) => { this.keepOriginal = (e.target as HTMLInputElement).checked; }} /> keep the original files</label>
            <span class="muted">PDF, Word (.docx), HTML, Markdown, text — or drop files anywhere in the app. Read in this browser; nothing is uploaded.</span>
          </div>`}
      ${this.uploads.length > 0 ? html`<ul class="uploads" id="uploads">${this.uploads.map((u) => this.#uploadLine(u))}</ul>` : nothing}
      ${this.documents.length === 0
        ? html`<p class="muted">No documents in this cube.</p>`
        : html`<table id="documents">
            <thead><tr><th>Document</th><th>Type</th><th>Pages</th><th>Passages</th><th>Size</th><th>Added</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>${this.documents.map((d) => this.#row(d))}</tbody>
          </table>`}
      ${open
        ? html`<div id="document-chunks" aria-label="passages of ${open.document.name}">
            <h3>${open.document.title}</h3>
            ${open.chunks.map((c) => html`<div class="chunk"><div class="muted">${citationOf(c.sourceRefs[0])} · ${c.state}</div>${c.text}</div>`)}
          </div>`
        : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-documents': MemosDocuments;
  }
}
