/**
 * <memos-model-server>: "Use a model server" in the Models view — an OpenAI-compatible server's
 * address, its model list (`/models`), a key. Before the first request it says what will leave the
 * browser and to where. The address and model are remembered; the key only when the user ticks "keep
 * the key in this browser" (otherwise it lives in the inference worker's memory until the tab closes).
 */
import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ModelServerConfig } from '../protocol/inference-types';
import type { SessionChange } from './app-session';
import { SessionElement } from './session-element';
import { sharedStyles } from './styles';

const KEY = 'memos-web:model-server';

interface SavedServer {
  readonly baseURL: string;
  readonly model: string;
  readonly contextLength: number;
  readonly apiKey?: string;
}

function loadSaved(): SavedServer | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as SavedServer) : undefined;
  } catch {
    return undefined;
  }
}

/** The host part of an address, for the notice ("localhost:11434"). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

@customElement('memos-model-server')
export class MemosModelServer extends SessionElement {
  static override styles = [
    sharedStyles,
    css`
      form { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.4rem 0.75rem; align-items: end; }
      form label { display: flex; flex-direction: column; font-size: 0.85rem; }
      .notice { border-left: 3px solid var(--memos-accent, #2f5bd3); padding-left: 0.5rem; }
    `,
  ];

  /** What was saved last time, read once. */
  readonly #saved = loadSaved();
  @state() private baseURL = this.#saved?.baseURL ?? 'http://localhost:11434/v1';
  @state() private model = this.#saved?.model ?? '';
  @state() private contextLength = this.#saved?.contextLength ?? 8192;
  @state() private apiKey = this.#saved?.apiKey ?? '';
  @state() private keepKey = this.#saved?.apiKey !== undefined;
  @state() private offered: string[] = [];
  @state() private note = '';

  protected override async refresh(_what: SessionChange): Promise<void> {}

  #config(): ModelServerConfig {
    return { baseURL: this.baseURL.trim(), model: this.model.trim(), contextLength: this.contextLength, ...(this.apiKey && { apiKey: this.apiKey }) };
  }

  async #list(): Promise<void> {
    const inference = this.session?.inference;
    if (!inference) return;
    this.note = '';
    await this.guard(async () => {
      this.offered = await inference.listServerModels({ baseURL: this.baseURL.trim(), ...(this.apiKey && { apiKey: this.apiKey }) });
      if (!this.model && this.offered[0]) this.model = this.offered[0];
      this.note = `${hostOf(this.baseURL)} offers ${this.offered.length} model${this.offered.length === 1 ? '' : 's'}.`;
    });
  }

  async #use(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const inference = this.session?.inference;
    if (!inference) return;
    this.note = '';
    const ok = await this.guard(async () => {
      const info = await inference.useServer(this.#config());
      const saved: SavedServer = { baseURL: this.baseURL.trim(), model: this.model.trim(), contextLength: this.contextLength, ...(this.keepKey && this.apiKey && { apiKey: this.apiKey }) };
      localStorage.setItem(KEY, JSON.stringify(saved));
      this.note = `Chat now uses ${info.id}.`;
    });
    if (!ok && /MODEL_UNREACHABLE/.test(this.error)) {
      this.error += ` If the server runs, it may not allow this page's origin (CORS; for Ollama set OLLAMA_ORIGINS), or this app's Content-Security-Policy may not list ${hostOf(this.baseURL)} (MEMOS_MODEL_HOSTS when it was built).`;
    }
    this.session?.changed('model');
  }

  override render() {
    if (!this.session?.inference) return nothing;
    const host = hostOf(this.baseURL);
    return html`<section part="model-server" aria-label="use a model server">
      <h3>Use a model server</h3>
      <p class="muted">Any server that speaks the OpenAI chat API: OpenAI, or Ollama, LM Studio, llama.cpp or vLLM on this computer.</p>
      <form @submit=${(e: SubmitEvent) => this.#use(e)} aria-label="model server">
        <label>Server address <input name="baseURL" type="url" required .value=${this.baseURL} @input=${(e: Event) => { this.baseURL = (e.target as HTMLInputElement).value; }} /></label>
        <label>API key (if it needs one) <input name="apiKey" type="password" autocomplete="off" .value=${this.apiKey} @input=${(e: Event) => { this.apiKey = (e.target as HTMLInputElement).value; }} /></label>
        <label>Model
          <input name="model" required list="server-models" .value=${this.model} @input=${(e: Event) => { this.model = (e.target as HTMLInputElement).value; }} />
          <datalist id="server-models">${this.offered.map((m) => html`<option value=${m}></option>`)}</datalist>
        </label>
        <label>Context length <input name="context" type="number" min="256" .value=${String(this.contextLength)} @input=${(e: Event) => { this.contextLength = Number((e.target as HTMLInputElement).value) || 8192; }} /></label>
        <label class="row"><input type="checkbox" .checked=${this.keepKey} @change=${(e: Event) => { this.keepKey = (e.target as HTMLInputElement).checked; }} /> keep the key in this browser</label>
        <button type="button" @click=${() => this.#list()}>List its models</button>
        <button type="submit" class="primary">Use this server</button>
      </form>
      <p class="notice" role="note">With a server, each chat message and the memories recalled for it are sent to <strong>${host}</strong>, and to no one else; everything else stays in this browser. The key is sent only to ${host}, never stored in a memory, an export or the audit log${this.keepKey ? '' : ', and is forgotten when this tab closes'}.</p>
      ${this.note ? html`<div class="muted" role="status">${this.note}</div>` : nothing}
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-model-server': MemosModelServer;
  }
}
