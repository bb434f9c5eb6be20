/**
 * Where a page finds memos-web's runtime: the memory and inference worker scripts and the files they
 * load (onnxruntime-web's and tfjs's wasm, the shipped embedder, the built-in model), which always sit
 * together in one folder on the page's own origin.
 *
 * The installed package starts its workers from that folder, `memos-web/` beside the page unless
 * {@link useRuntimeAt} names another; the app in this repository registers its own bundled workers
 * instead (see bundled-runtime.ts).
 */
import { MemosError } from '../core/errors';

/** How to start the two workers. */
export interface RuntimeLocation {
  /** Starts a memory worker. */
  startMemoryWorker(): Worker;
  /** Starts an inference worker. */
  startInferenceWorker(): Worker;
}

let chosen: RuntimeLocation | undefined;

/**
 * The runtime served from a folder: `memory.worker.js`, `inference.worker.js` and their files, as the
 * package's Vite plugin or its `memos-web-assets` command put them there. Module workers must come from
 * the page's own origin.
 * @throws {MemosError} INVALID_INPUT when the folder is on another origin
 */
export function runtimeAt(folder: string | URL): RuntimeLocation {
  const base = new URL(String(folder).endsWith('/') ? String(folder) : `${String(folder)}/`, document.baseURI);
  if (base.origin !== location.origin) {
    throw new MemosError('INVALID_INPUT', `memos-web's workers must be served from this page's origin (${location.origin}), not ${base.origin}.`, { field: 'assets' });
  }
  return {
    startMemoryWorker: () => new Worker(new URL('memory.worker.js', base), { type: 'module', name: 'memos-memory' }),
    startInferenceWorker: () => new Worker(new URL('inference.worker.js', base), { type: 'module', name: 'memos-inference' }),
  };
}

/**
 * Makes every client and element on this page start its workers from `folder` (a path or URL on this
 * origin; default `memos-web/` relative to the page), or from the given location. Call it before the
 * first client opens or element connects.
 * @throws {MemosError} INVALID_INPUT when the folder is on another origin
 */
export function useRuntimeAt(folder: string | URL | RuntimeLocation): void {
  chosen = typeof folder === 'string' || folder instanceof URL ? runtimeAt(folder) : folder;
}

/** Chooses `folder` unless a location was chosen already (the standalone bundle's default). */
export function chooseRuntimeUnlessChosen(folder: string | URL): void {
  if (!chosen) chosen = runtimeAt(folder);
}

/** The location chosen with {@link useRuntimeAt}, else the `memos-web/` folder beside the page. */
export function currentRuntime(): RuntimeLocation {
  return (chosen ??= runtimeAt('memos-web/'));
}

/** The runtime a client starts its worker from: its own `assets` folder when given, else the page's. */
export function runtimeFor(assets: string | URL | undefined): RuntimeLocation {
  return assets !== undefined ? runtimeAt(assets) : currentRuntime();
}
