/**
 * <memos-chat-panel>: the model picker (load with progress, device, cached bytes, evict, add from
 * files) and the chat itself (streamed answers, the memories each answer used, stop). A thin view:
 * the work happens in InferenceClient and MemosClient.chat.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { InferenceClient } from '../client/inference-client';
import type { MemosClient } from '../client/memos-client';
import { MemosError } from '../core/errors';
import type { InferenceStatus } from '../inference/inference-service';
import type { ModelView } from '../inference/model-registry';
import type { ActivationItem } from '../core/activation-item';
import type { ChatResult } from '../os/api-types';

interface Turn {
  readonly question: string;
  answer: string;
  result?: ChatResult;
  error?: string;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

@customElement('memos-chat-panel')
export class MemosChatPanel extends LitElement {
  static override styles = css`
    :host { display: block; }
    .models, .chat { border: 1px solid #d9dce3; border-radius: 8px; padding: 0.75rem; margin: 0.75rem 0; }
    .row { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
    progress { width: 12rem; }
    .turn { margin: 0.6rem 0; }
    .q { font-weight: 600; }
    .a { white-space: pre-wrap; }
    .used, .kv-item, .note { font-size: 0.8rem; color: #5b6170; }
    .kv-item { border: 1px solid #d9dce3; border-radius: 6px; padding: 0.1rem 0.4rem; }
    .error { color: #9b1c1c; }
    textarea { width: 100%; min-height: 2.5rem; font: inherit; }
    button, select, input { font: inherit; }
  `;

  @property({ attribute: false }) inference: InferenceClient | undefined;
  @property({ attribute: false }) memos: MemosClient | undefined;
  @property() userId = 'me';
  @property({ attribute: false }) cubeIds: readonly string[] = [];
  @state() private models: ModelView[] = [];
  @state() private status: InferenceStatus = { state: 'idle' };
  @state() private progress: { loaded: number; total: number | null } | undefined;
  @state() private turns: Turn[] = [];
  @state() private busy: AbortController | undefined;
  @state() private message = '';
  @state() private activations: ActivationItem[] = [];
  @state() private jobs: { counts: Record<string, number>; leader: boolean } | undefined;
  readonly #sessionId = `chat-${Date.now().toString(36)}`;

  override async connectedCallback(): Promise<void> {
    super.connectedCallback();
    await this.#refresh();
  }

  async #refresh(): Promise<void> {
    if (!this.inference) return;
    this.models = await this.inference.listModels();
    this.status = await this.inference.status();
    await this.#refreshMemory();
  }

  async #refreshMemory(): Promise<void> {
    const api = this.memos?.api;
    const cubeId = this.cubeIds[0];
    if (!api) return;
    this.activations = cubeId ? await api.listActivations({ userId: this.userId, cubeId }).catch(() => []) : [];
    const status = await api.schedulerStatus(undefined).catch(() => undefined);
    this.jobs = status ? { counts: status.counts, leader: status.leader } : undefined;
  }

  /** Keeps the memories the last answer used as a KV cube, active for this chat. */
  async #keepAsKv(): Promise<void> {
    const api = this.memos?.api;
    const last = [...this.turns].reverse().find((t) => t.result && t.result.memories.length > 0);
    const cubeId = last?.result?.memories[0]?.memory.cubeId;
    if (!api || !last?.result || !cubeId) {
      this.message = 'Ask something first: the memories an answer used become the KV cube.';
      return;
    }
    try {
      const ids = last.result.memories.filter((h) => h.memory.cubeId === cubeId).map((h) => h.memory.id);
      const item = await api.buildActivation({ userId: this.userId, cubeId, memoryIds: ids, encoding: 'fp16' });
      await api.activate({ userId: this.userId, activationId: item.id, sessionId: this.#sessionId });
      this.message = '';
    } catch (error) {
      this.message = error instanceof MemosError ? `${error.code}: ${error.message}` : String(error);
    }
    await this.#refreshMemory();
  }

  async #load(id: string, device: string): Promise<void> {
    if (!this.inference) return;
    this.message = '';
    this.progress = { loaded: 0, total: null };
    try {
      await this.inference.load(id, {
        ...(device !== 'auto' && { device: device as 'wasm' | 'webgpu' }),
        onProgress: (p) => {
          if (p.phase === 'download') this.progress = { loaded: p.loaded, total: p.total };
        },
      });
    } catch (error) {
      this.message = error instanceof MemosError ? `${error.code}: ${error.message}` : String(error);
    }
    this.progress = undefined;
    await this.#refresh();
    this.dispatchEvent(new CustomEvent('model-changed', { bubbles: true, composed: true }));
  }

  async #addFiles(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    const model = files.find((f) => f.name.endsWith('.onnx'));
    const tokenizer = files.find((f) => f.name === 'tokenizer.json' || f.name.endsWith('.bin'));
    if (!this.inference || !model || !tokenizer) {
      this.message = 'Pick a decoder .onnx file and its tokenizer.json (or a llama2.c tokenizer .bin), plus tokenizer_config.json if it has one.';
      return;
    }
    const config = files.find((f) => f.name === 'tokenizer_config.json');
    const llama2c = tokenizer.name.endsWith('.bin');
    try {
      await this.inference.addModelFiles(
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
    } catch (error) {
      this.message = error instanceof MemosError ? `${error.code}: ${error.message}` : String(error);
    }
    await this.#refresh();
  }

  async #send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const text = String(new FormData(form).get('message') ?? '').trim();
    if (!text || !this.memos || this.busy) return;
    form.reset();
    const turn: Turn = { question: text, answer: '' };
    this.turns = [...this.turns, turn];
    const history = this.turns.slice(0, -1).flatMap((t) => [
      { role: 'user' as const, content: t.question },
      ...(t.result ? [{ role: 'assistant' as const, content: t.result.answer }] : []),
    ]);
    this.busy = new AbortController();
    try {
      turn.result = await this.memos.chat(
        { userId: this.userId, sessionId: this.#sessionId, cubeIds: this.cubeIds, messages: [...history, { role: 'user', content: text }] },
        {
          signal: this.busy.signal,
          onToken: (t) => {
            turn.answer += t.text;
            this.requestUpdate();
          },
        },
      );
      turn.answer = turn.result.answer;
    } catch (error) {
      turn.error = error instanceof MemosError ? `${error.code}: ${error.message}` : String(error);
    }
    this.busy = undefined;
    this.turns = [...this.turns];
    await this.#refreshMemory();
    this.dispatchEvent(new CustomEvent('memories-changed', { bubbles: true, composed: true }));
  }

  #renderModels() {
    const ready = this.status.state === 'ready' ? this.status.model : undefined;
    return html`<section class="models" aria-label="language model">
      <div class="row">
        <label>Model
          <select id="model">
            ${this.models.map((m) => html`<option value=${m.entry.id} ?selected=${ready?.id === m.entry.id}>${m.entry.label}${m.cached ? ' · cached' : ''}</option>`)}
          </select>
        </label>
        <label>on <select id="device"><option>auto</option><option>wasm</option><option>webgpu</option></select></label>
        <button id="load" ?disabled=${this.progress !== undefined}
          @click=${() => this.#load((this.renderRoot.querySelector('#model') as HTMLSelectElement).value, (this.renderRoot.querySelector('#device') as HTMLSelectElement).value)}>Load</button>
        ${this.progress ? html`<progress max=${this.progress.total ?? 1} value=${this.progress.total ? this.progress.loaded : 0}></progress> ${mb(this.progress.loaded)}` : nothing}
        <label>Add from files <input type="file" multiple @change=${(e: Event) => this.#addFiles(e)} /></label>
      </div>
      <div class="row" id="model-status">
        ${ready ? html`Loaded: ${ready.id} (${ready.engine}, ${ready.device}, context ${ready.contextLength})` : this.status.state === 'failed' ? html`<span class="error">${this.status.error.code}: ${this.status.error.message}</span>` : 'No model loaded.'}
        · cached model files: ${mb(this.models.reduce((n, m) => n + m.storedBytes, 0))}
        ${this.models.some((m) => m.storedBytes > 0)
          ? html`<button @click=${async () => { for (const m of this.models) if (m.storedBytes > 0) await this.inference?.evictModel(m.entry.id); await this.#refresh(); }}>Free model storage</button>`
          : nothing}
      </div>
      ${this.message ? html`<div class="error" role="alert">${this.message}</div>` : nothing}
    </section>`;
  }

  override render() {
    return html`${this.#renderModels()}
      <section class="chat" aria-label="chat">
        <div id="turns">
          ${this.turns.map(
            (t) => html`<div class="turn">
              <div class="q">You: ${t.question}</div>
              <div class="a">${t.answer}</div>
              ${t.error ? html`<div class="error">${t.error}</div>` : nothing}
              ${t.result
                ? html`<div class="used">${t.result.activation?.used
                    ? `started from KV cube ${t.result.activation.id.slice(0, 11)} (${t.result.memoryTokens} tokens not re-read)`
                    : `used ${t.result.memories.length} memories${t.result.memories.length ? ': ' : ''}${t.result.memories.map((h) => `“${h.memory.text.slice(0, 60)}”`).join(', ')}`}${t.result.activation && !t.result.activation.used ? ` · KV cube not used: ${t.result.activation.reason}` : ''} · stored ${t.result.stored.length} · first token ${t.result.timings.firstTokenMs.toFixed(0)} ms · ${t.result.timings.tokensPerSecond.toFixed(0)} tokens/s</div>`
                : nothing}
            </div>`,
          )}
        </div>
        <form @submit=${(e: SubmitEvent) => this.#send(e)} aria-label="chat message">
          <textarea name="message" placeholder=${this.status.state === 'ready' ? 'Ask something…' : 'Load a model to chat'}></textarea>
          <div class="row">
            <button type="submit" ?disabled=${this.busy !== undefined}>Send</button>
            ${this.busy ? html`<button type="button" @click=${() => this.busy?.abort()}>Stop</button>` : nothing}
            <button type="button" id="keep-kv" ?disabled=${this.busy !== undefined || this.status.state !== 'ready'} @click=${() => this.#keepAsKv()}>Keep as KV cube</button>
          </div>
        </form>
      </section>
      <section class="chat" aria-label="activation memory and scheduler" id="kv">
        <div class="row">
          KV cubes in this cube: ${this.activations.length === 0 ? 'none' : nothing}
          ${this.activations.map(
            (a) => html`<span class="kv-item">${a.id.slice(0, 11)} · ${a.tokenIds.length} tokens · ${(a.bytes / 1e6).toFixed(2)} MB ${a.encoding} · ${a.staleReason ? 'stale' : a.sessions.length ? 'active' : 'idle'}</span>`,
          )}
        </div>
        ${this.jobs
          ? html`<div class="note" id="jobs">scheduler ${this.jobs.leader ? 'runs in this tab' : 'runs in another tab'} · queued ${this.jobs.counts['queued'] ?? 0} · done ${this.jobs.counts['done'] ?? 0} · failed ${this.jobs.counts['failed'] ?? 0}</div>`
          : nothing}
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-chat-panel': MemosChatPanel;
  }
}
