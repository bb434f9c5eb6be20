/**
 * <memos-adapters>: parametric memory of the open cube. Adapter cubes with their base model, rank,
 * size, origin, training report and state; activate (with a weight), deactivate, export as PEFT files,
 * delete; import a PEFT adapter (adapter_model.safetensors + adapter_config.json); and the memories
 * the scheduler proposes for distillation (stable and often used), distilled only when the user asks.
 */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { AdapterItem } from '../core/adapter-item';
import type { MemoryItem } from '../core/memory-item';
import type { SessionChange } from './app-session';
import { SessionElement } from './session-element';
import { formatBytes, formatTime, sharedStyles } from './styles';
import { RunningTask } from './running-task';

@customElement('memos-adapters')
export class MemosAdapters extends SessionElement {
  static override styles = [sharedStyles];

  @state() private adapters: AdapterItem[] = [];
  @state() private candidates: MemoryItem[] = [];
  @state() private busy = '';
  @state() private modelReady = false;

  protected override async refresh(what: SessionChange): Promise<void> {
    const s = this.session;
    if (!s || what === 'chat') return;
    this.adapters = await s.api.listAdapters({ userId: s.userId, cubeId: s.cubeId });
    this.candidates = await s.api.distillCandidates({ userId: s.userId, cubeId: s.cubeId });
    this.modelReady = (await s.inference?.status())?.state === 'ready';
  }

  readonly #task = new RunningTask(this);

  async #run(label: string, fn: () => Promise<unknown>): Promise<void> {
    this.busy = label;
    await this.guard(async () => {
      await fn();
      this.session!.changed('memories');
      this.session!.changed('model');
    });
    this.busy = '';
  }

  async #import(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    const weights = files.find((f) => f.name.endsWith('.safetensors'));
    const config = files.find((f) => f.name.endsWith('.json'));
    if (!weights || !config) {
      this.error = 'Pick both files of a PEFT adapter: adapter_model.safetensors and adapter_config.json.';
      return;
    }
    const s = this.session!;
    await this.#run('importing', async () =>
      s.api.importAdapter({ userId: s.userId, cubeId: s.cubeId, name: weights.name.replace(/\.safetensors$/, ''), safetensors: new Uint8Array(await weights.arrayBuffer()), config: await config.text() }),
    );
  }

  async #export(item: AdapterItem): Promise<void> {
    const s = this.session!;
    const files = await s.api.exportAdapter({ userId: s.userId, adapterId: item.id });
    for (const [name, data, type] of [['adapter_model.safetensors', files.safetensors, 'application/octet-stream'], ['adapter_config.json', files.config, 'application/json']] as const) {
      const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${item.name.replace(/[^\w.-]+/g, '-')}-${name}`;
      this.renderRoot.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }
  }

  override render() {
    const s = this.session;
    if (!s) return nothing;
    return html`<section part="adapters" aria-label="adapter cubes">
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.busy && !this.#task.busy ? html`<div class="muted" role="status">${this.busy}…</div>` : nothing}
      ${this.#task.render()}
      ${this.adapters.length === 0
        ? html`<p class="muted">No adapter cubes. Distil memories into one below, or import a PEFT LoRA adapter made for the same base model.</p>`
        : html`<table id="adapters">
            <thead><tr><th>Adapter</th><th>Base model</th><th>Rank · weights · size</th><th>From</th><th>Perplexity (memories · held-out)</th><th>State</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>${this.adapters.map((a) => {
              const t = a.training;
              return html`<tr>
                <td>${a.name}<div class="muted">${a.id.slice(0, 14)} · ${formatTime(a.createdAt)}</div></td>
                <td>${a.base.modelId}<div class="muted">${a.base.weightsHash.slice(0, 12)}…</div></td>
                <td>${a.rank} · ${a.targets.length} · ${formatBytes(a.bytes)}</td>
                <td>${a.origin === 'distilled' ? `${a.sourceIds.length} memories` : 'imported'}</td>
                <td>${t ? `${t.memoryPerplexity.before.toFixed(1)} → ${t.memoryPerplexity.after.toFixed(1)} · ${t.heldOutPerplexity.before.toFixed(1)} → ${t.heldOutPerplexity.after.toFixed(1)} (${t.steps} steps, ${(t.trainMs / 1000).toFixed(0)} s)` : '—'}</td>
                <td>${a.active ? `active (weight ${a.weight})` : 'inactive'}</td>
                <td>
                  ${a.active
                    ? html`<button aria-label="deactivate ${a.name}" ?disabled=${!!this.busy} @click=${() => this.#run('restoring the base weights', () => s.api.deactivateAdapter({ userId: s.userId, adapterId: a.id }))}>Deactivate</button>`
                    : html`<button aria-label="activate ${a.name}" ?disabled=${!!this.busy} @click=${() => this.#run('merging the adapter into the model', () => s.api.activateAdapter({ userId: s.userId, adapterId: a.id }))}>Activate</button>`}
                  <button aria-label="export ${a.name}" @click=${() => this.guard(() => this.#export(a))}>Export</button>
                  <button aria-label="delete ${a.name}" ?disabled=${!!this.busy} @click=${() => this.#run('deleting', () => s.api.deleteAdapter({ userId: s.userId, adapterId: a.id }))}>Delete</button>
                </td>
              </tr>`;
            })}</tbody>
          </table>`}
      <label class="row">Import a PEFT adapter (both files) <input type="file" multiple accept=".safetensors,.json" @change=${(e: Event) => this.#import(e)} /></label>
      <h3>Proposed for distillation</h3>
      ${this.candidates.length === 0
        ? html`<p class="muted">None: memories are proposed once they have stayed unchanged for a week and were recalled at least three times.</p>`
        : html`<ul id="distill-candidates">${this.candidates.map((m) => html`<li>${m.text.slice(0, 120)} <span class="muted">· used ${m.usage.accessCount}×</span></li>`)}</ul>
            <button id="distill" ?disabled=${!this.modelReady || !!this.busy}
              @click=${() => this.#run('training an adapter on these memories (about a minute on a small model)', () => this.#task.run('training', (options) => s.api.distillAdapter({ userId: s.userId, cubeId: s.cubeId, memoryIds: this.candidates.map((m) => m.id) }, options)))}>
              Distil these into an adapter</button>
            ${this.modelReady ? nothing : html`<span class="muted">Load a model first: the adapter is trained for it.</span>`}`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-adapters': MemosAdapters;
  }
}
