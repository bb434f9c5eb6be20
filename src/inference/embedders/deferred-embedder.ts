/**
 * An embedder whose model loads in the background: its fingerprint (and the scripts and languages it
 * reads) are known before the weights are, so a store can open — and take new memories — at once,
 * while the model arrives. Embedding waits for the load; `ready` and `whenReady` let callers that
 * need not wait (adding a memory) leave the vectors to the catch-up instead. A failed load is kept:
 * every later embed rejects with it, and `failed` says so (search then answers by words alone).
 */
import { MemosError } from '../../core/errors';
import type { Script } from '../../core/words';
import type { TextLanguage } from '../../core/cube';
import type { Embedder, EmbedderFingerprint } from './embedder';

/** What is known of the model before it loads. */
export interface DeferredEmbedderInfo {
  readonly fingerprint: EmbedderFingerprint;
  readonly scripts?: readonly Script[];
  readonly languages?: readonly TextLanguage[];
}

/** An Embedder that loads its model on first need (or when warmed). */
export class DeferredEmbedder implements Embedder {
  readonly fingerprint: EmbedderFingerprint;
  readonly scripts?: readonly Script[];
  readonly languages?: readonly TextLanguage[];
  readonly #load: () => Promise<Embedder>;
  #loading: Promise<Embedder> | undefined;
  #loaded: Embedder | undefined;
  #error: unknown;
  #disposed = false;

  constructor(info: DeferredEmbedderInfo, load: () => Promise<Embedder>) {
    this.fingerprint = info.fingerprint;
    if (info.scripts) this.scripts = info.scripts;
    if (info.languages) this.languages = info.languages;
    this.#load = load;
  }

  /** Whether the model has loaded. */
  get ready(): boolean {
    return this.#loaded !== undefined;
  }

  /** Whether loading the model failed (embedding then always fails). */
  get failed(): boolean {
    return this.#error !== undefined;
  }

  /** Starts loading (once); resolves when the model is ready, rejects if it failed. */
  whenReady(): Promise<void> {
    this.#loading ??= this.#load().then(
      (embedder) => {
        if (this.#disposed) embedder.dispose();
        this.#loaded = embedder;
        return embedder;
      },
      (error: unknown) => {
        this.#error = error;
        throw error instanceof MemosError ? error : new MemosError('MODEL_UNREACHABLE', `The embedding model did not load: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    return this.#loading.then(() => undefined);
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    await this.whenReady();
    return this.#loaded!.embed(texts, signal);
  }

  dispose(): void {
    this.#disposed = true;
    this.#loaded?.dispose();
  }
}

/** Whether an embedder is a deferred one whose model has not loaded (yet). */
export function notReadyYet(embedder: Embedder): embedder is DeferredEmbedder {
  return embedder instanceof DeferredEmbedder && !embedder.ready;
}
