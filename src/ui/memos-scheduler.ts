/**
 * <memos-scheduler>: what the MemScheduler is doing — whether this tab leads, the queue, the running
 * job, recent jobs with what they did or why they failed; the working memory of the open chat
 * session; and the KV cubes with the time to first token they save, from measured times (the prefill
 * of their tokens when built, and the load of the cube when a chat last used it).
 */
import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ActivationItem } from '../core/activation-item';
import type { JobRecord } from '../core/job';
import type { MemoryItem } from '../core/memory-item';
import type { SchedulerStatus, WorkingEntry } from '../protocol/memory-types';
import type { SessionChange } from './app-session';
import { SessionElement } from './session-element';
import { formatBytes, formatTime, sharedStyles } from './styles';

const REFRESH_MS = 3000;

@customElement('memos-scheduler')
export class MemosScheduler extends SessionElement {
  static override styles = [sharedStyles, css`.state-failed { color: var(--memos-error-fg, #7a1414); } .state-running { color: var(--_accent-text); }`];

  @state() private status: SchedulerStatus | undefined;
  @state() private jobs: JobRecord[] = [];
  @state() private working: (WorkingEntry & { memory: MemoryItem })[] = [];
  @state() private activations: ActivationItem[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // Jobs change on their own (idle time, other tabs): refresh while the view is on screen.
    this.#timer = setInterval(() => {
      if (this.offsetParent !== null) void this.guard(() => this.refresh('memories'));
    }, REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  protected override async refresh(what: SessionChange): Promise<void> {
    const s = this.session;
    if (!s || what === 'model') return;
    this.status = await s.api.schedulerStatus(undefined);
    const [open, recent] = await Promise.all([s.api.listJobs({ states: ['queued', 'running'], limit: 50 }), s.api.listJobs({ states: ['done', 'failed'], limit: 20 })]);
    this.jobs = [...open, ...recent];
    this.working = s.chatSessionId ? await s.api.workingMemory({ userId: s.userId, sessionId: s.chatSessionId }) : [];
    this.activations = await s.api.listActivations({ userId: s.userId, cubeId: s.cubeId }).catch(() => []);
  }

  override render() {
    const st = this.status;
    return html`<section part="scheduler" aria-label="scheduler">
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <h2>Scheduler</h2>
      <p id="jobs" role="status">${st
        ? html`${st.leader ? 'Runs in this tab' : 'Runs in another tab of this site'} · ${st.idle ? 'you are idle: heavy jobs may run' : 'heavy jobs wait until you are idle'} ·
            queued ${st.counts.queued ?? 0} · running ${st.counts.running ?? 0} · done ${st.counts.done ?? 0} · failed ${st.counts.failed ?? 0}`
        : 'Reading the queue…'}</p>
      <table id="job-list">
        <thead><tr><th>Job</th><th>State</th><th>Queued</th><th>Finished</th><th>What happened</th></tr></thead>
        <tbody>${this.jobs.map(
          (j) => html`<tr class="state-${j.state}">
            <td>${j.kind}<div class="muted">${j.priority}${j.needsIdle ? ' · at idle' : ''}</div></td>
            <td>${j.state}${j.attempts > 1 ? ` (try ${j.attempts})` : ''}</td>
            <td>${formatTime(j.createdAt)}</td>
            <td>${formatTime(j.finishedAt)}</td>
            <td>${j.summary ?? j.reason ?? ''}</td>
          </tr>`,
        )}</tbody>
      </table>
      <h2>Working memory of the open chat</h2>
      ${this.working.length === 0
        ? html`<p class="muted">Empty: it fills with the memories the open chat session recalls, ranked by rank, word overlap and recurrence.</p>`
        : html`<ol id="working">${this.working.map((w) => html`<li>${w.memory.text.slice(0, 120)} <span class="muted">· importance ${w.importance.toFixed(3)} · recalled ${w.recurrence}×</span></li>`)}</ol>`}
      <h2>KV cubes and the time they save</h2>
      ${this.activations.length === 0
        ? html`<p class="muted">No KV cubes in this cube.</p>`
        : html`<table id="kv-savings">
            <thead><tr><th>KV cube</th><th>Tokens</th><th>Size</th><th>Prefill when built</th><th>Last load</th><th>Saved per answer</th><th>Uses</th></tr></thead>
            <tbody>${this.activations.map((a) => {
              const t = a.timings;
              const saved = t && t.lastLoadMs !== null ? t.prefillMs - t.lastLoadMs : null;
              return html`<tr>
                <td>${a.id.slice(0, 11)}${a.staleReason ? html` <span class="muted">(stale)</span>` : nothing}</td>
                <td>${a.tokenIds.length}</td>
                <td>${formatBytes(a.bytes)}</td>
                <td>${t ? `${t.prefillMs.toFixed(0)} ms` : 'not measured'}</td>
                <td>${t?.lastLoadMs != null ? `${t.lastLoadMs.toFixed(0)} ms` : 'not used yet'}</td>
                <td>${saved !== null ? html`${saved.toFixed(0)} ms${saved < 0 ? html`<div class="muted">loading costs more than re-reading for this model</div>` : nothing}` : '—'}</td>
                <td>${a.usage.accessCount}</td>
              </tr>`;
            })}</tbody>
          </table>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-scheduler': MemosScheduler;
  }
}
