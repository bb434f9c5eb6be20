/**
 * <memos-chat>: chat with memory. Streamed answers with a stop button; under each answer, a chip for
 * every memory it used, opening why (what each ranking signal added, and where the memory came from:
 * the turn, speaker and date); the session list (past conversations, read back from the memories
 * chat() stored); "Keep as KV cube" for the memories of the last answer. Embeddable on its own:
 * `<memos-chat store="my-app"></memos-chat>` opens the workers itself and shows a model picker.
 */
import { MemosError } from '../core/errors';
import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ChatResult } from '../protocol/memory-types';
import type { SearchHit } from '../protocol/search-types';
import { groupSessions, type ChatSessionSummary } from './chat-sessions';
import { newestMemories, SHOWN_STATES } from './newest-memories';
import type { SessionChange } from './app-session';
import { whyLine } from './memory-card';
import { scoreBreakdownPlot } from './plots';
import { SessionElement } from './session-element';
import { describeError } from './app-session';
import { formatTime, sharedStyles } from './styles';
import { citationOf } from './citation';
import './memos-models';
import { RunningTask } from './running-task';

interface Turn {
  readonly question: string;
  answer: string;
  result?: ChatResult;
  error?: string;
  /** A turn read back from a stored memory of a past session. */
  stored?: boolean;
}

const newSessionId = (): string => `chat-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/**
 * Chat with memory, embeddable on its own.
 * @csspart chat - the layout of the session list and the conversation
 * @csspart sessions - the list of past chat sessions
 * @csspart memory-chip - a chip for a memory an answer used
 * @cssprop --memos-accent - accent colour (buttons, focus, the why panel)
 * @cssprop --memos-fg - text colour
 * @cssprop --memos-border - border colour
 * @cssprop --memos-chip-bg - background of memory chips
 * @cssprop --memos-font - font family
 * @fires memos-answer - after each answer, with the ChatResult (or null when it failed)
 */
@customElement('memos-chat')
export class MemosChat extends SessionElement {
  static override styles = [
    sharedStyles,
    css`
      .layout { display: grid; grid-template-columns: minmax(10rem, 14rem) 1fr; gap: 1rem; }
      @media (max-width: 640px) { .layout { grid-template-columns: 1fr; } }
      nav ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.25rem; }
      nav button { width: 100%; text-align: left; font-size: 0.8rem; }
      nav button[aria-current='true'] { border-color: var(--_accent); background: var(--memos-chip-bg, #eef1f6); }
      .turn { margin: 0.75rem 0; }
      .q { font-weight: 600; }
      .a { white-space: pre-wrap; margin-top: 0.25rem; }
      .stored { white-space: pre-wrap; font-size: 0.9rem; color: var(--_muted); }
      .chips { display: flex; flex-wrap: wrap; gap: 0.3rem; margin-top: 0.35rem; }
      .chip { font-size: 0.75rem; border-radius: 999px; background: var(--memos-chip-bg, #eef1f6); border: 1px solid transparent; max-width: 22rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .chip[aria-expanded='true'] { border-color: var(--_accent); }
      .why { font-size: 0.78rem; border-left: 3px solid var(--_accent); padding: 0.3rem 0.6rem; margin: 0.35rem 0; }
      .used { font-size: 0.78rem; color: var(--_muted); margin-top: 0.3rem; }
      textarea { width: 100%; min-height: 2.6rem; padding: 0.4rem; box-sizing: border-box; }
    `,
  ];

  @state() private turns: Turn[] = [];
  @state() private sessions: ChatSessionSummary[] = [];
  @state() private sessionId = newSessionId();
  @state() private busy: AbortController | undefined;
  @state() private modelReady = false;
  @state() private kvPossible = false;
  /** The built-in stories260K is loaded: its answers are said to be what they are. */
  @state() private toyModel = false;
  /** The device offers WebGPU (so catalogue models can run here). */
  @state() private webgpu = false;
  @state() private open: { turn: number; memory: number } | undefined;
  @state() private note = '';
  /** The KV cube this chat answers from (with the memories it lacks searched and added after it), while one is active. */
  @state() private activeKv: { id: string; tokens: number; memories: number; texts: readonly string[] } | undefined;

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has('sessionId') || changed.has('session')) && this.session && this.session.chatSessionId !== this.sessionId) this.session.chatSessionId = this.sessionId;
  }

  protected override async refresh(what: SessionChange): Promise<void> {
    const session = this.session;
    if (!session || what === 'chat') return;
    if (what === 'model' || what === 'selection') {
      const status = await session.inference?.status();
      this.modelReady = status?.state === 'ready';
      // A KV cube needs a model whose cache this tab can read (an in-tab ORT model).
      this.kvPossible = status?.state === 'ready' && status.model.kvModel !== undefined;
      this.toyModel = status?.state === 'ready' && status.model.id === 'stories260K';
      if (!this.modelReady) this.webgpu = (await session.inference?.capabilities())?.webgpu.available === true;
    }
    if (what === 'memories' || what === 'selection' || what === 'cubes') await this.#loadSessions();
  }

  async #loadSessions(): Promise<void> {
    const session = this.session!;
    const { items } = await newestMemories(session.api, session.userId, session.cubeId, 1000, SHOWN_STATES);
    this.sessions = groupSessions(items.filter((m) => m.source === 'conversation'));
  }

  #openSession(summary: ChatSessionSummary | undefined): void {
    this.open = undefined;
    this.activeKv = undefined;
    if (!summary) {
      this.sessionId = newSessionId();
      this.turns = [];
      return;
    }
    this.sessionId = summary.sessionId;
    this.turns = summary.memories.map((m) => ({ question: '', answer: m.text, stored: true }));
  }

  async #send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const session = this.session;
    const form = event.target as HTMLFormElement;
    const text = String(new FormData(form).get('message') ?? '').trim();
    if (!text || !session || this.busy) return;
    form.reset();
    const turn: Turn = { question: text, answer: '' };
    this.turns = [...this.turns, turn];
    const history = this.turns.slice(0, -1).flatMap((t) => (t.stored ? [] : [{ role: 'user' as const, content: t.question }, ...(t.result ? [{ role: 'assistant' as const, content: t.result.answer }] : [])]));
    this.busy = new AbortController();
    try {
      turn.result = await session.memos.chat(
        { userId: session.userId, sessionId: this.sessionId, cubeIds: [session.cubeId], messages: [...history, { role: 'user', content: text }] },
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
      // Stop: the worker stopped generating and nothing of this turn was stored.
      turn.error = error instanceof MemosError && error.code === 'ABORTED' ? 'Stopped. Nothing of this turn was kept.' : describeError(error);
    }
    this.busy = undefined;
    this.turns = [...this.turns];
    session.changed('memories');
    this.dispatchEvent(new CustomEvent('memos-answer', { detail: turn.result ?? null, bubbles: true, composed: true }));
  }

  readonly #task = new RunningTask(this);

  /** Keeps the memories the last answer used as a KV cube, active for this chat session. */
  async #keepAsKv(): Promise<void> {
    const session = this.session!;
    const last = [...this.turns].reverse().find((t) => t.result && t.result.memories.length > 0);
    if (!last?.result) {
      this.note = 'Ask something first: the memories an answer used become the KV cube.';
      return;
    }
    const cubeId = last.result.memories[0]!.memory.cubeId;
    await this.guard(async () => {
      const held = last.result!.memories.filter((h) => h.memory.cubeId === cubeId);
      const ids = held.map((h) => h.memory.id);
      const item = await this.#task.run('building the KV cube', (options) => session.api.buildActivation({ userId: session.userId, cubeId, memoryIds: ids, encoding: 'fp16' }, options));
      await session.api.activate({ userId: session.userId, activationId: item.id, sessionId: this.sessionId });
      this.activeKv = { id: item.id, tokens: item.tokenIds.length, memories: ids.length, texts: held.map((h) => h.memory.text) };
      this.note = `KV cube ${item.id.slice(0, 11)} (${item.tokenIds.length} tokens) is active in this chat: the next answers start from it.`;
      session.changed('memories');
    });
  }

  /** Turns the active KV cube off: the next answers search the memories again. */
  async #turnOffKv(): Promise<void> {
    const session = this.session!;
    await this.guard(async () => {
      await session.api.deactivate({ userId: session.userId, sessionId: this.sessionId });
      this.activeKv = undefined;
      this.note = 'KV cube turned off: the next answers search your memories again.';
    });
  }

  #why(hit: SearchHit) {
    const m = hit.memory;
    const ref = m.sourceRefs[0];
    return html`<div class="why" role="region" aria-label="why this memory">
      <div>${whyLine(hit)}</div>
      ${scoreBreakdownPlot(hit.parts)}
      <div class="muted">
        ${m.semanticType} · ${m.source}${ref?.speaker ? ` · said by ${ref.speaker}` : ''}${ref?.spokenAt ? ` on ${formatTime(ref.spokenAt)}` : ` · written ${formatTime(m.createdAt)}`}${ref?.sessionId ? ` · session ${ref.sessionId}` : ''}${ref?.messageId ? ` · turn ${ref.messageId}` : ''}${citationOf(ref) ? ` · ${citationOf(ref)}` : ''} · v${m.version}
      </div>
    </div>`;
  }

  #renderTurn(t: Turn, index: number) {
    if (t.stored) return html`<div class="turn stored">${t.answer}</div>`;
    const r = t.result;
    const openHit = this.open?.turn === index ? r?.memories[this.open.memory] : undefined;
    return html`<div class="turn">
      <div class="q">You: ${t.question}</div>
      <div class="a" aria-live="polite">${t.answer}</div>
      ${t.error ? html`<div class="error" role="alert">${t.error}</div>` : nothing}
      ${r && r.memories.length > 0
        ? html`<div class="chips" aria-label="memories this answer used">
            ${r.memories.map(
              (h, i) => html`<button class="chip" part="memory-chip" aria-expanded=${this.open?.turn === index && this.open.memory === i ? 'true' : 'false'}
                title=${h.memory.text} @click=${() => { this.open = this.open?.turn === index && this.open.memory === i ? undefined : { turn: index, memory: i }; }}>${h.memory.text.slice(0, 48)}</button>`,
            )}
          </div>`
        : nothing}
      ${openHit ? this.#why(openHit) : nothing}
      ${r
        ? html`<div class="used">${r.activation?.used
            ? `started from KV cube ${r.activation.id.slice(0, 11)}${r.memories.length ? `, then ${r.memories.length} memories it lacks` : ''}`
            : `used ${r.memories.length} memories${r.memories.length ? ': ' : ''}${r.memories.map((h) => `“${h.memory.text.slice(0, 60)}”`).join(', ')}`}${r.activation && !r.activation.used ? ` · KV cube not used: ${r.activation.reason}` : ''} · stored ${r.stored.length} · first token ${r.timings.firstTokenMs.toFixed(0)} ms · ${r.timings.tokensPerSecond.toFixed(0)} tokens/s</div>`
        : nothing}
    </div>`;
  }

  override render() {
    const session = this.session;
    if (!session) return html`<p class="muted">${this.error || 'Opening the memory store…'}</p>`;
    if (!session.inference) return html`<p class="error">Chat needs the inference worker, which did not start: ${session.inferenceError}</p>`;
    return html`<div class="layout" part="chat">
      <nav aria-label="chat sessions" part="sessions">
        <button class="primary" @click=${() => this.#openSession(undefined)}>New chat</button>
        <ul>
          ${this.sessions.map(
            (s) => html`<li><button aria-current=${s.sessionId === this.sessionId ? 'true' : 'false'} @click=${() => this.#openSession(s)}>${s.title || s.sessionId}<div class="muted">${formatTime(s.lastAt)} · ${s.memories.length} stored</div></button></li>`,
          )}
        </ul>
      </nav>
      <section aria-label="chat">
        <memos-models compact .session=${session}></memos-models>
        <div id="turns">${this.turns.map((t, i) => this.#renderTurn(t, i))}</div>
        ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
        ${!this.modelReady && this.session?.inference
          ? html`<div class="muted" id="model-routes" role="note">To chat, a model is needed, three ways: ${this.webgpu ? 'a model from the catalogue on this device’s GPU (WebGPU), ' : ''}a model server you run or use (Ollama, LM Studio, llama.cpp, OpenAI…), or model files from disk — or the tiny built-in stories260K to see the pipeline.
              <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('memos-navigate', { detail: 'models', bubbles: true, composed: true }))}>Open Models</button></div>`
          : nothing}
        ${this.toyModel
          ? html`<p class="muted" id="toy-model">stories260K is a 260K-parameter model of children's stories: it shows the whole pipeline (memories in the prompt, streaming, KV cubes) but follows no instructions, so its answers are not answers. For real ones load a WebGPU model from the catalogue, use a model server, or add model files (Models).</p>`
          : nothing}
        ${this.note ? html`<div class="muted" role="status">${this.note}</div>` : nothing}
        ${this.#task.render()}
        ${this.activeKv
          ? html`<div class="row" id="active-kv" role="status">Answers start from KV cube ${this.activeKv.id.slice(0, 11)} (${this.activeKv.memories} memories, ${this.activeKv.tokens} tokens, not read again); memories it lacks are still searched and added after it.
              <button type="button" ?disabled=${this.busy !== undefined} @click=${() => this.#turnOffKv()}>Turn off KV cube</button>
              <details id="active-kv-memories"><summary>The memories it holds</summary><ul>${this.activeKv.texts.map((t) => html`<li>${t}</li>`)}</ul></details></div>`
          : nothing}
        <form @submit=${(e: SubmitEvent) => this.#send(e)} aria-label="chat message">
          <label class="visually-hidden" for="message">Message</label>
          <textarea id="message" name="message" placeholder=${this.modelReady ? 'Ask something…' : 'Load a model to chat'}
            @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) (e.target as HTMLTextAreaElement).form?.requestSubmit(); }}></textarea>
          <div class="row">
            <button class="primary" type="submit" ?disabled=${this.busy !== undefined || !this.modelReady}>Send</button>
            ${this.busy ? html`<button type="button" @click=${() => this.busy?.abort()}>Stop</button>` : nothing}
            ${this.kvPossible || !this.modelReady ? html`<button type="button" id="keep-kv" ?disabled=${this.busy !== undefined || !this.modelReady} @click=${() => this.#keepAsKv()}>Keep as KV cube</button>` : nothing}
          </div>
        </form>
      </section>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-chat': MemosChat;
  }
}
