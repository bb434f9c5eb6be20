/**
 * onnxruntime-web, configured once by an explicit call (no work at import time). Two builds serve
 * the two devices: the plain wasm build for "wasm" (in a Chromium worker it decodes ~1.8× faster than
 * the WebGPU-capable JSEP build: docs/decisions/0012), and the JSEP build, imported only when a
 * model is opened on "webgpu". Their wasm files are served from our own origin (`public/ort/`, copied
 * at install), never from a CDN. In Node, "onnxruntime-web" is the package's own Node build.
 */
import * as ortWasm from 'onnxruntime-web';
import { MemosError } from '../../core/errors';

/** The onnxruntime-web module type (both builds share it). */
export type Ort = typeof ortWasm;

/** How ORT runs. */
export interface OrtSettings {
  /** Wasm threads (needs cross-origin isolation in a browser; ORT reads it once, at the first session). */
  readonly threads?: number;
  /** Folder URL that holds ORT's .mjs/.wasm files, ending in '/'. Absent in Node, where the package's own files load. */
  readonly wasmBase?: string;
}

let applied: OrtSettings | undefined;
let gpuRuntime: Promise<Ort> | undefined;

function apply(ort: Ort, settings: OrtSettings, build: 'plain' | 'jsep'): void {
  ort.env.wasm.numThreads = Math.max(1, settings.threads ?? 1);
  if (settings.wasmBase) {
    const stem = build === 'jsep' ? 'ort-wasm-simd-threaded.jsep' : 'ort-wasm-simd-threaded';
    ort.env.wasm.wasmPaths = { mjs: `${settings.wasmBase}${stem}.mjs`, wasm: `${settings.wasmBase}${stem}.wasm` };
  }
  ort.env.logLevel = 'error';
}

/**
 * Applies settings before the first session. Later calls have no effect (ORT reads them once) and
 * return the settings in force.
 */
export function configureOrt(settings: OrtSettings = {}): OrtSettings {
  if (applied) return applied;
  apply(ortWasm, settings, 'plain');
  applied = { ...settings, threads: ortWasm.env.wasm.numThreads as number };
  return applied;
}

/** The ORT build for a device (the WebGPU one is loaded on first use). */
export function ortFor(device: 'wasm' | 'webgpu'): Promise<Ort> {
  const settings = configureOrt();
  if (device === 'wasm') return Promise.resolve(ortWasm);
  gpuRuntime ??= import('onnxruntime-web/all').then((ort) => {
    apply(ort, settings, 'jsep');
    return ort;
  });
  return gpuRuntime;
}

/**
 * Creates a session from model bytes on a device, with the ORT build that runs it.
 * @throws {MemosError} WEBGPU_UNAVAILABLE when webgpu is asked for and absent; MODEL_INVALID when ORT refuses the file
 */
export async function createOrtSession(model: Uint8Array, device: 'wasm' | 'webgpu'): Promise<{ ort: Ort; session: ortWasm.InferenceSession }> {
  if (device === 'webgpu' && !(typeof navigator !== 'undefined' && 'gpu' in navigator)) {
    throw new MemosError('WEBGPU_UNAVAILABLE', 'navigator.gpu is absent here.');
  }
  const ort = await ortFor(device);
  try {
    const session = await ort.InferenceSession.create(model, {
      executionProviders: [device],
      graphOptimizationLevel: 'all',
      // ORT warns (through console.error) about shape ops it keeps on the CPU; only errors are news.
      logSeverityLevel: 3,
    });
    return { ort, session };
  } catch (error) {
    const text = String(error instanceof Error ? error.message : error);
    if (device === 'webgpu' && /adapter|webgpu/i.test(text)) {
      throw new MemosError('WEBGPU_UNAVAILABLE', text.slice(0, 200), undefined, { cause: error });
    }
    throw new MemosError('MODEL_INVALID', `onnxruntime could not load the model: ${text.slice(0, 300)}`, undefined, { cause: error });
  }
}

export type { InferenceSession, Tensor } from 'onnxruntime-web';
