/**
 * A long call an element runs for the user (an import, a KV cube, a distillation): it keeps the
 * call's AbortController and latest progress, re-renders its host as reports arrive, and renders a
 * status line with a Cancel button while the call runs.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { CallOptions, TaskProgress } from '../protocol/memory-types';

const number = new Intl.NumberFormat();

/** A person's reading of a progress report: "storing 1,200 / 3,000 memories", "training step 12 / 200 · loss 2.310". */
export function describeProgress(p: TaskProgress): string {
  const amount = (n: number): string => (p.unit === 'bytes' ? `${(n / 1e6).toFixed(1)} MB` : number.format(n));
  const unit = { items: '', bytes: '', tokens: ' tokens', steps: ' steps' }[p.unit];
  const count = p.total !== undefined && p.total > 0 ? `${amount(p.done)} / ${amount(p.total)}${unit}` : `${amount(p.done)}${unit}`;
  return `${p.phase} ${count}${p.note ? ` · ${p.note}` : ''}`;
}

/** Runs one cancellable call at a time for a host element. */
export class RunningTask implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #controller: AbortController | undefined;
  #label = '';
  #progress: TaskProgress | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Whether a call is running. */
  get busy(): boolean {
    return this.#controller !== undefined;
  }

  /** Runs `call` with a signal and a progress callback; resolves to its result (rejects as it does, ABORTED on Cancel). */
  async run<T>(label: string, call: (options: CallOptions) => Promise<T>): Promise<T> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#label = label;
    this.#progress = undefined;
    this.#host.requestUpdate();
    try {
      return await call({
        signal: controller.signal,
        onProgress: (p) => {
          if (this.#controller !== controller) return;
          this.#progress = p;
          this.#host.requestUpdate();
        },
      });
    } finally {
      if (this.#controller === controller) this.#controller = undefined;
      this.#host.requestUpdate();
    }
  }

  /** Stops the running call. */
  cancel(): void {
    this.#controller?.abort();
  }

  hostDisconnected(): void {
    this.cancel();
  }

  /** The status line and Cancel button while a call runs; nothing otherwise. */
  render(): TemplateResult | typeof nothing {
    if (!this.#controller) return nothing;
    return html`<div class="muted task" role="status">
      <span>${this.#label}${this.#progress ? ` — ${describeProgress(this.#progress)}` : '…'}</span>
      <button type="button" @click=${() => this.cancel()}>Cancel</button>
    </div>`;
  }
}
