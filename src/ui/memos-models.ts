/**
 * <memos-models>: the model catalogue. Load a model (progress in bytes and percent), add one by URL
 * or from local files, see the storage each model and all of them use, ask the browser to keep
 * storage, evict a model's files or remove an entry. Also usable inside <memos-chat> (attribute
 * `compact`: only the picker and the progress).
 */
import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { InferenceStatus, LoadProgress, ModelView } from '../protocol/inference-types';
import { type SessionChange } from './app-session';
import { SessionElement } from './session-element';
import './memos-model-server';
import { formatBytes, sharedStyles } from './styles';
import { rememberLoadedModel } from './model-on-start';

interface Download {
  readonly modelId: string;
  readonly file: string;
  readonly loaded: number;
  readonly total: number | null;
}

@customElement('memos-models')
export class MemosModels extends SessionElement {
  static override styles = [
    sharedStyles,
    css`
      .bar { display: flex; align-items: center; gap: 0.4rem; }
      form.add { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.4rem 0.75rem; align-items: end; }
      form.add label { display: flex; flex-direction: column; font-size: 0.85rem; }
    `,
  ];

  /** Only the picker, the load button and the progress (for <memos-chat>). */
  @property({ type: Boolean }) compact = false;
  @state() private models: ModelView[] = [];
  /** The inference worker's status; undefined until first asked (so nothing false shows meanwhile). */
  @state() private status: InferenceStatus | undefined;
  @state() private download: Download | undefined;
  @state() private storage: { modelBytes: number; usage: number | null; quota: number | null } | undefined;
  @state() private persisted: boolean | undefined;
  @state() private catalogue = false;
  #abort: AbortController | undefined;

  protected override async refresh(what: SessionChange): Promise<void> {
    if (what !== 'model' && what !== 'selection') return;
    const inference = this.session?.inference;
    if (!inference) return;
    this.models = await inference.listModels({ catalogue: this.catalogue });
    this.status = await inference.status();
    if (!this.compact) {
      this.storage = await inference.storage();
      this.persisted = (await navigator.storage?.persisted?.()) ?? undefined;
    }
  }

  async #load(id: string, device: string): Promise<void> {
    const inference = this.session?.inference;
    if (!inference) return;
    this.#abort = new AbortController();
    this.download = { modelId: id, file: '', loaded: 0, total: null };
    await this.guard(async () => {
      await inference.load(id, {
        ...(device !== 'auto' && { device: device as 'wasm' | 'webgpu' }),
        signal: this.#abort!.signal,
        onProgress: (p: LoadProgress) => {
          if (p.phase === 'download') this.download = { modelId: id, file: p.file, loaded: p.loaded, total: p.total };
        },
      });
      rememberLoadedModel(id, device === 'wasm' || device === 'webgpu' ? device : undefined);
    });
    this.download = undefined;
    this.#abort = undefined;
    this.session?.changed('model');
  }

  async #addByUrl(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const get = (k: string): string => String(data.get(k) ?? '').trim();
    let baseUrl = get('baseUrl');
    if (baseUrl && !baseUrl.endsWith('/')) baseUrl += '/';
    const llama2c = get('tokenizer').endsWith('.bin');
    const ok = await this.guard(async () => {
      await this.session!.inference!.addModel({
        id: get('id'),
        label: get('label') || get('id'),
        engine: 'ort',
        baseUrl,
        files: { model: get('model'), tokenizer: get('tokenizer'), ...(get('config') && { tokenizerConfig: get('config') }) },
        tokenizerFormat: llama2c ? 'llama2c' : 'tokenizer.json',
        ...(llama2c && { vocabSize: 32000 }),
        contextLength: Number(get('context')) || 2048,
      });
    });
    if (ok) form.reset();
    this.session?.changed('model');
  }

  async #addFiles(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    const model = files.find((f) => f.name.endsWith('.onnx'));
    const tokenizer = files.find((f) => f.name === 'tokenizer.json' || f.name.endsWith('.bin'));
    if (!model || !tokenizer) {
      this.error = 'Pick a decoder .onnx file and its tokenizer.json (or a llama2.c tokenizer .bin), plus tokenizer_config.json if it has one.';
      return;
    }
    const config = files.find((f) => f.name === 'tokenizer_config.json');
    const llama2c = tokenizer.name.endsWith('.bin');
    await this.guard(async () => {
      await this.session!.inference!.addModelFiles(
        {
          id: model.name.replace(/\.onnx$/, '').replace(/[^\w.-]/g, '-'),
          label: `${model.name} (from disk)`,
          engine: 'ort',
          files: { model: model.name, tokenizer: tokenizer.name, ...(config && { tokenizerConfig: config.name }) },
          tokenizerFormat: llama2c ? 'llama2c' : 'tokenizer.json',
          ...(llama2c && { vocabSize: 32000 }),
          contextLength: 2048,
        },
        [model, tokenizer, ...(config ? [config] : [])],
      );
    });
    this.session?.changed('model');
  }

  async #persist(): Promise<void> {
    await this.guard(async () => {
      const granted = await navigator.storage.persist();
      this.persisted = granted;
      if (!granted) this.error = 'The browser did not grant persistent storage (it may after the site is installed or used more).';
    });
  }

  #progress() {
    const d = this.download;
    if (!d) return nothing;
    const percent = d.total ? Math.floor((100 * d.loaded) / d.total) : null;
    return html`<div class="bar" id="download" role="status">
      <progress aria-label="download of ${d.modelId}" max=${d.total ?? 1} value=${d.total ? d.loaded : 0}></progress>
      <span>${d.total && d.loaded >= d.total ? `${formatBytes(d.total)} downloaded · preparing the model…` : html`${d.file || 'starting'} · ${formatBytes(d.loaded)}${d.total ? ` of ${formatBytes(d.total)} · ${percent}%` : ''}`}</span>
      <button @click=${() => this.#abort?.abort()}>Cancel</button>
    </div>`;
  }

  #picker() {
    const ready = this.status?.state === 'ready' ? this.status.model : undefined;
    return html`<div class="row">
        <label>Model
          <select id="model">
            ${this.models.map((m) => html`<option value=${m.entry.id} ?selected=${ready?.id === m.entry.id}>${m.entry.label}${m.cached ? ' · cached' : ''}</option>`)}
          </select>
        </label>
        <label>on <select id="device" aria-label="device"><option>auto</option><option>wasm</option><option>webgpu</option></select></label>
        <button class="primary" id="load" ?disabled=${this.download !== undefined}
          @click=${() => this.#load((this.renderRoot.querySelector('#model') as HTMLSelectElement).value, (this.renderRoot.querySelector('#device') as HTMLSelectElement).value)}>Load</button>
      </div>
      ${this.#progress()}
      <div class="row muted" id="model-status" role="status">
        ${ready
          ? html`Loaded: ${ready.id} (${ready.engine}, ${ready.device}, context ${ready.contextLength})${ready.adapters?.applied.length ? ` · ${ready.adapters.applied.length} adapter${ready.adapters.applied.length > 1 ? 's' : ''} merged` : ''}`
          : this.status?.state === 'failed'
            ? html`<span class="error">${this.status.error.code}: ${this.status.error.message}</span>`
            : this.status === undefined
              ? 'Checking the model…'
              : 'No model loaded.'}
      </div>`;
  }

  override render() {
    if (!this.session) return html`<p class="muted">${this.error || 'Opening…'}</p>`;
    if (!this.session.inference) return html`<p class="error">The inference worker did not start: ${this.session.inferenceError}</p>`;
    const error = this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing;
    if (this.compact) return html`<div part="models">${this.#picker()}${error}</div>`;
    const total = this.models.reduce((n, m) => n + m.storedBytes, 0);
    return html`<section part="models" aria-label="models">
      <h2>Models</h2>
      <p class="muted">Models run in this tab. Their files are fetched only when you press Load, then kept in this browser so they load offline. Or use a model server (below).</p>
      ${this.#picker()} ${error}
      <table id="catalogue">
        <thead><tr><th>Model</th><th>Engine</th><th>Stored</th><th>Offline</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          ${this.models.map(
            (m) => html`<tr data-model=${m.entry.id}>
              <td>${m.entry.label}${m.entry.description ? html`<div class="muted">${m.entry.description}</div>` : nothing}</td>
              <td>${m.entry.engine}</td>
              <td>${formatBytes(m.storedBytes)}</td>
              <td>${m.cached ? 'yes' : m.entry.engine === 'web-llm' ? 'web-llm cache' : 'no'}</td>
              <td>
                <button aria-label="load ${m.entry.label}" @click=${() => this.#load(m.entry.id, 'auto')}>Load</button>
                ${m.storedBytes > 0 ? html`<button aria-label="evict ${m.entry.label}" @click=${() => this.guard(async () => { await this.session!.inference!.evictModel(m.entry.id); this.session!.changed('model'); })}>Evict</button>` : nothing}
                ${!m.entry.builtIn ? html`<button aria-label="remove ${m.entry.label}" @click=${() => this.guard(async () => { await this.session!.inference!.removeModel(m.entry.id); this.session!.changed('model'); })}>Remove</button>` : nothing}
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
      <label class="row muted"><input type="checkbox" .checked=${this.catalogue} @change=${(e: Event) => { this.catalogue = (e.target as HTMLInputElement).checked; void this.guard(() => this.refresh('model')); }} /> show web-llm's catalogue (needs WebGPU; downloads from its hosts)</label>
      <div class="row" id="storage" role="status">
        Model files: ${formatBytes(total)} · this site uses ${formatBytes(this.storage?.usage)} of ${formatBytes(this.storage?.quota)} ·
        ${this.persisted ? html`<span class="ok">storage is persistent</span>` : html`storage may be cleared by the browser under pressure <button id="persist" @click=${() => this.#persist()}>Keep storage</button>`}
      </div>
      <h3>Add a model by URL</h3>
      <form class="add" @submit=${(e: SubmitEvent) => this.#addByUrl(e)} aria-label="add a model by URL">
        <label>Id <input name="id" required pattern="[\\w.\\-]+" /></label>
        <label>Label <input name="label" /></label>
        <label>Folder URL <input name="baseUrl" type="url" required placeholder="https://host/models/my-model/" /></label>
        <label>Decoder file <input name="model" required value="model.onnx" /></label>
        <label>Tokenizer file <input name="tokenizer" required value="tokenizer.json" /></label>
        <label>Tokenizer config <input name="config" placeholder="tokenizer_config.json" /></label>
        <label>Context length <input name="context" type="number" min="16" value="2048" /></label>
        <button type="submit">Add model</button>
      </form>
      <p class="muted">A deployment's Content-Security-Policy must list the model's host in connect-src (see docs/decisions/0016).</p>
      <label class="row">Add from files <input type="file" multiple @change=${(e: Event) => this.#addFiles(e)} /></label>
      <memos-model-server .session=${this.session}></memos-model-server>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-models': MemosModels;
  }
}
