import type { Capabilities, WebGpuSupport } from '../../protocol/inference-types';
/**
 * What this browser (or worker) can run: WebGPU and its f16 support, cross-origin isolation (needed
 * for wasm threads) and the number of cores. Detection never throws: a failure reads as "absent".
 */

interface GpuLike {
  requestAdapter(): Promise<null | {
    readonly features: { has(name: string): boolean };
    readonly limits: { readonly maxBufferSize: number };
    readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly isFallbackAdapter?: boolean };
    readonly isFallbackAdapter?: boolean;
  }>;
}

/** Probes WebGPU: an adapter, whether it is a software one, and shader-f16. */
export async function detectWebGpu(): Promise<WebGpuSupport> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { available: false, reason: 'navigator.gpu is absent (no WebGPU in this browser, or it is disabled)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, reason: 'requestAdapter() returned null (no usable GPU)' };
    return {
      available: true,
      fallback: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter),
      shaderF16: adapter.features.has('shader-f16'),
      vendor: adapter.info?.vendor ?? '',
      architecture: adapter.info?.architecture ?? '',
      maxBufferSize: adapter.limits.maxBufferSize,
    };
  } catch (error) {
    return { available: false, reason: `requestAdapter() failed: ${String(error)}` };
  }
}

/** Probes everything. */
export async function detectCapabilities(): Promise<Capabilities> {
  const webgpu = await detectWebGpu();
  const isolated = Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return {
    webgpu,
    crossOriginIsolated: isolated,
    hardwareConcurrency: cores,
    wasmThreads: isolated ? Math.max(1, Math.min(4, cores - 1)) : 1,
    engines: {
      ort: webgpu.available ? ['wasm', 'webgpu'] : ['wasm'],
      webLlm: webgpu.available && !webgpu.fallback,
    },
  };
}
