/**
 * The app's own runtime: the worker sources of this repository, bundled by Vite with the page (their
 * files come from the app's public/ folder). Importing this module makes every client on the page use
 * it, so the app's entry and the browser tests' harness import it before anything that opens a client.
 * The installed package never imports this file, so its page entry stays free of worker code.
 */
import { useRuntimeAt, type RuntimeLocation } from './runtime-location';

/** Starts the workers Vite bundles from workers/*.ts. */
export const bundledRuntime: RuntimeLocation = {
  startMemoryWorker: () => new Worker(new URL('../../workers/memory.worker.ts', import.meta.url), { type: 'module', name: 'memos-memory' }),
  startInferenceWorker: () => new Worker(new URL('../../workers/inference.worker.ts', import.meta.url), { type: 'module', name: 'memos-inference' }),
};

useRuntimeAt(bundledRuntime);
