/**
 * onnxruntime-web, configured once by an explicit call (no work at import time). Its wasm files are
 * served from our own origin (`public/ort/`, copied at install), never from a CDN.
 */
import * as ort from 'onnxruntime-web';
import { MemosError } from '../core/errors';

/** How ORT runs. */
export interface OrtSettings {
  /** Wasm threads (needs cross-origin isolation in a browser; ORT reads it once, at the first session). */
  readonly threads?: number;
  /** Folder URL that holds ORT's .mjs/.wasm files, ending in '/'. Absent in Node, where the package's own files load. */
  readonly wasmBase?: string;
}

let applied: OrtSettings | undefined;

/**
 * Applies settings before the first session. Later calls with other thread counts have no effect on
 * ORT (it reads them once) and say so by returning the settings in force.
 */
export function configureOrt(settings: OrtSettings = {}): OrtSettings {
  if (applied) return applied;
  ort.env.wasm.numThreads = Math.max(1, settings.threads ?? 1);
  if (settings.wasmBase) {
    ort.env.wasm.wasmPaths = {
      mjs: `${settings.wasmBase}ort-wasm-simd-threaded.jsep.mjs`,
      wasm: `${settings.wasmBase}ort-wasm-simd-threaded.jsep.wasm`,
    };
  }
  ort.env.logLevel = 'error';
  applied = { ...settings, threads: ort.env.wasm.numThreads as number };
  return applied;
}

/** The execution providers to ask for on a device. */
export function executionProviders(device: 'wasm' | 'webgpu'): string[] {
  return device === 'webgpu' ? ['webgpu'] : ['wasm'];
}

/**
 * Creates a session from model bytes.
 * @throws {MemosError} WEBGPU_UNAVAILABLE when webgpu is asked for and absent; MODEL_INVALID when ORT refuses the file
 */
export async function createOrtSession(model: Uint8Array, device: 'wasm' | 'webgpu'): Promise<ort.InferenceSession> {
  configureOrt();
  if (device === 'webgpu' && !(typeof navigator !== 'undefined' && 'gpu' in navigator)) {
    throw new MemosError('WEBGPU_UNAVAILABLE', 'navigator.gpu is absent here.');
  }
  try {
    return await ort.InferenceSession.create(model, {
      executionProviders: executionProviders(device),
      graphOptimizationLevel: 'all',
      // ORT warns (through console.error) about shape ops it keeps on the CPU; only errors are news.
      logSeverityLevel: 3,
    });
  } catch (error) {
    const text = String(error instanceof Error ? error.message : error);
    if (device === 'webgpu' && /adapter|webgpu/i.test(text)) {
      throw new MemosError('WEBGPU_UNAVAILABLE', text.slice(0, 200), undefined, { cause: error });
    }
    throw new MemosError('MODEL_INVALID', `onnxruntime could not load the model: ${text.slice(0, 300)}`, undefined, { cause: error });
  }
}

export { ort };
