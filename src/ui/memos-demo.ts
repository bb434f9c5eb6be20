/**
 * <memos-demo>: the guided personalisation demo. Step 1 plays two past conversations into a cube of
 * their own (as if said over the last days: preferences and facts); step 2 asks questions whose
 * answers should use them. With a model loaded the assistant answers and cites the memories it used;
 * without one the demo shows the memories a model would be given. Reload, or go offline, and ask again.
 */
import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { SearchHit } from '../protocol/search-types';
import type { SessionChange } from './app-session';
import { DEMO_CUBE_NAME, DEMO_QUESTIONS, DEMO_SESSIONS } from './demo-scenario';
import { SessionElement } from './session-element';
import { sharedStyles } from './styles';

interface Asked {
  readonly question: string;
  readonly answer: string | null;
  readonly cited: readonly SearchHit[];
  readonly expects: string;
}

@customElement('memos-demo')
export class MemosDemo extends SessionElement {
  static override styles = [sharedStyles, css`ol.steps > li { margin: 0.75rem 0; } .cited { font-size: 0.85rem; } .answer { white-space: pre-wrap; }`];

  @state() private cubeId = '';
  @state() private asked: Asked[] = [];
  @state() private busy = false;
  @state() private modelReady = false;
  /** What the last play did, said out loud (what was stored, and that the open cube changed). */
  @state() private played = '';

  protected override async refresh(what: SessionChange): Promise<void> {
    const s = this.session;
    if (!s || what === 'chat') return;
    const cubes = await s.api.listCubes({ userId: s.userId });
    this.cubeId = cubes.find((c) => c.access === 'owner' && c.cube.name === DEMO_CUBE_NAME)?.cube.cubeId ?? '';
    this.modelReady = (await s.inference?.status())?.state === 'ready';
  }

  async #play(): Promise<void> {
    const s = this.session!;
    this.busy = true;
    await this.guard(async () => {
      const cube = this.cubeId ? { cubeId: this.cubeId } : await s.api.createCube({ userId: s.userId, name: DEMO_CUBE_NAME });
      // Playing again adds nothing twice: a conversation already in the cube is left as it is.
      const present = await s.api.search({ userId: s.userId, query: '', cubeIds: [cube.cubeId], topK: 1000, filters: { sessionIds: DEMO_SESSIONS.map((d) => d.sessionId) } });
      const stored = new Set(present.flatMap((h) => h.memory.sourceRefs.map((r) => r.sessionId)));
      const now = Date.now();
      let added = 0;
      for (const session of DEMO_SESSIONS) {
        if (stored.has(session.sessionId)) continue;
        const at = now - session.daysAgo * 86_400_000;
        added += (
          await s.api.add({
            userId: s.userId,
            cubeId: cube.cubeId,
            sessionId: session.sessionId,
            messages: session.messages.map((m, i) => ({ ...m, speaker: m.role === 'user' ? s.userId : 'assistant', timestamp: at + i * 60_000 })),
          })
        ).length;
      }
      const switched = s.cubeId !== cube.cubeId;
      this.cubeId = cube.cubeId;
      if (switched) s.setCube(cube.cubeId);
      this.played = `${added > 0 ? `${added} memories stored.` : 'Both conversations were already stored: nothing was added twice.'}${switched ? ` The open cube is now "${DEMO_CUBE_NAME}".` : ''}`;
      s.changed('cubes');
    });
    this.busy = false;
  }

  async #ask(question: string, expects: string): Promise<void> {
    const s = this.session!;
    this.busy = true;
    await this.guard(async () => {
      const status = await s.inference?.status();
      if (status?.state === 'ready') {
        // Small models have small contexts: give the memories most of it, so the demo can cite several.
        const memoryTokens = Math.min(1024, Math.floor(status.model.contextLength * 0.6));
        const result = await s.memos.chat({ userId: s.userId, sessionId: `demo-ask-${Date.now().toString(36)}`, cubeIds: [this.cubeId], writeCubeId: null, messages: [{ role: 'user', content: question }], maxTokens: 64, memoryTokens, topK: 5 });
        this.asked = [...this.asked, { question, answer: result.answer, cited: result.memories, expects }];
      } else {
        const hits = await s.api.search({ userId: s.userId, query: question, cubeIds: [this.cubeId], topK: 5 });
        this.asked = [...this.asked, { question, answer: null, cited: hits, expects }];
      }
    });
    this.busy = false;
  }

  override render() {
    if (!this.session) return html`<p class="muted">${this.error || 'Opening…'}</p>`;
    return html`<section part="demo" aria-label="guided demo">
      <h2>Guided demo: an assistant that remembers you</h2>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <ol class="steps">
        <li>Tell it about yourself, over two conversations (one nine days ago, one two days ago): diet, home, family, how you like answers.
          <div class="row"><button class="primary" id="demo-play" ?disabled=${this.busy} @click=${() => this.#play()}>${this.cubeId ? 'Play the conversations again' : 'Play the conversations'}</button>
          ${this.cubeId ? html`<span class="muted" id="demo-ready">Stored in the cube "${DEMO_CUBE_NAME}" (open it in Memories to see each memory and where it came from).</span>` : nothing}</div>
          ${this.played ? html`<div role="status" id="demo-played">${this.played}</div>` : nothing}
        </li>
        <li>Optionally load a model (Models tab). ${this.modelReady ? html`<span class="ok">A model is loaded: it will answer.</span>` : html`<span class="muted">Without one you see what a model would be given.</span>`}</li>
        <li>Ask:
          <div class="row">${DEMO_QUESTIONS.map((q) => html`<button ?disabled=${this.busy || !this.cubeId} @click=${() => this.#ask(q.question, q.expects)}>${q.question}</button>`)}</div>
        </li>
        <li>Reload the page, or turn the network off, and ask again: the memories are still here, and nothing was sent anywhere.</li>
      </ol>
      <div id="demo-results">${this.asked.map(
        (a) => html`<div class="box">
          <div><strong>${a.question}</strong></div>
          ${a.answer !== null ? html`<div class="answer">${a.answer}</div>` : html`<div class="muted">No model loaded: these are the memories a model would be given.</div>`}
          <ol class="cited" aria-label="memories cited">${a.cited.map((h) => html`<li>${h.memory.text}</li>`)}</ol>
          <div class="muted">${a.cited.some((h) => h.memory.text.toLowerCase().includes(a.expects)) ? `Recalled what you said about "${a.expects}".` : `Nothing about "${a.expects}" was recalled.`}</div>
        </div>`,
      )}</div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-demo': MemosDemo;
  }
}
