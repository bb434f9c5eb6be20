/**
 * web-llm reports failures as Error subclasses inside one thread and as bare strings across its own
 * worker boundary ("TypeError: Failed to fetch"). Both become a MemosError with a code here, matched
 * on the error's name first and on the wording of web-llm 0.2.86's messages second.
 */
import { MemosError, isMemosError, type MemosErrorCode } from '../../core/errors';
import { ownValue } from '../../core/own-keys';

const BY_NAME: Readonly<Record<string, MemosErrorCode>> = {
  WebGPUNotAvailableError: 'WEBGPU_UNAVAILABLE',
  WebGPUNotFoundError: 'WEBGPU_UNAVAILABLE',
  ShaderF16SupportError: 'SHADER_F16_MISSING',
  FeatureSupportError: 'WEBGPU_UNAVAILABLE',
  DeviceLostError: 'GPU_OUT_OF_MEMORY',
  ModelNotFoundError: 'MODEL_UNREACHABLE',
  MissingModelError: 'MODEL_INVALID',
  ModelNotLoadedError: 'MODEL_NOT_LOADED',
  WorkerEngineModelNotLoadedError: 'MODEL_NOT_LOADED',
  EngineNotLoadedError: 'MODEL_NOT_LOADED',
  ContextWindowSizeExceededError: 'CONTEXT_OVERFLOW',
  AbortError: 'ABORTED',
};

const BY_TEXT: readonly [RegExp, MemosErrorCode][] = [
  [/shader-f16/i, 'SHADER_F16_MISSING'],
  [/WebGPU is not supported|Cannot find WebGPU|requestAdapter|no (?:webgpu )?adapter/i, 'WEBGPU_UNAVAILABLE'],
  [/device was lost|out of memory|\bOOM\b/i, 'GPU_OUT_OF_MEMORY'],
  [/Failed to fetch|NetworkError|Load failed|HTTP (?:error|status)|404|Cannot find model record/i, 'MODEL_UNREACHABLE'],
  [/exceed context window/i, 'CONTEXT_OVERFLOW'],
  [/Model not loaded|not loaded before/i, 'MODEL_NOT_LOADED'],
  [/abort/i, 'ABORTED'],
];

/** Turns anything web-llm threw (an Error, a string, a DOMException) into a MemosError. */
export function webLlmError(error: unknown): MemosError {
  if (isMemosError(error)) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const text = error instanceof Error || error instanceof DOMException ? error.message : String(error);
  // Own keys only: an error named "constructor" must not find Object.prototype's.
  const code = ownValue(BY_NAME, name) ?? BY_TEXT.find(([pattern]) => pattern.test(text))?.[1] ?? 'INFERENCE_FAILED';
  return new MemosError(code, `web-llm: ${text.slice(0, 300)}`, { engine: 'web-llm', name: name || typeof error }, { cause: error });
}
