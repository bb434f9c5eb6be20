import { describe, expect, it } from 'vitest';
import { MLCEngine, prebuiltAppConfig } from '@mlc-ai/web-llm';
import { checkWebLlmDevice, webLlmAppConfig, webLlmCatalogue } from '../../src/inference/decoding/web-llm-engine';
import { webLlmError } from '../../src/inference/decoding/web-llm-errors';
import type { WebLlmModelEntry } from '../../src/protocol/inference-types';
import { errorOf } from './helpers';

const entry: WebLlmModelEntry = {
  id: 'my-llm',
  label: 'My LLM',
  engine: 'web-llm',
  webLlmModelId: 'My-LLM-q4f32_1-MLC',
  record: { modelUrl: 'https://models.example/my-llm/', modelLibUrl: 'https://models.example/my-llm.wasm' },
  contextLength: 2048,
  needsShaderF16: false,
  builtIn: false,
};

describe('web-llm configuration (no model can load on this machine: these parts are what can be checked)', () => {
  it('lists the prebuilt catalogue as registry entries, flagging the f16 models', async () => {
    const catalogue = await webLlmCatalogue();
    expect(catalogue.length).toBeGreaterThan(20);
    const f16 = catalogue.find((e) => e.webLlmModelId === 'Llama-3.2-1B-Instruct-q4f16_1-MLC');
    const f32 = catalogue.find((e) => e.webLlmModelId === 'Llama-3.2-1B-Instruct-q4f32_1-MLC');
    expect(f16).toMatchObject({ id: 'web-llm:Llama-3.2-1B-Instruct-q4f16_1-MLC', needsShaderF16: true, contextLength: 4096 });
    expect(f32).toMatchObject({ needsShaderF16: false });
  });

  it('adds a custom record to the catalogue with its context window', () => {
    const config = webLlmAppConfig(prebuiltAppConfig.model_list, entry);
    const record = config.model_list.find((r) => r.model_id === entry.webLlmModelId);
    expect(record).toEqual({
      model: 'https://models.example/my-llm/',
      model_id: 'My-LLM-q4f32_1-MLC',
      model_lib: 'https://models.example/my-llm.wasm',
      overrides: { context_window_size: 2048 },
    });
    expect(config.model_list.length).toBe(prebuiltAppConfig.model_list.length + 1);
  });

  it('refuses before any download when WebGPU or shader-f16 is missing', () => {
    expect(() => checkWebLlmDevice(entry, { available: false, reason: 'none' })).toThrow(expect.objectContaining({ code: 'WEBGPU_UNAVAILABLE' }));
    const noF16 = { available: true, fallback: false, shaderF16: false, vendor: '', architecture: '', maxBufferSize: 1 } as const;
    expect(() => checkWebLlmDevice({ ...entry, needsShaderF16: true }, noF16)).toThrow(expect.objectContaining({ code: 'SHADER_F16_MISSING' }));
    expect(() => checkWebLlmDevice(entry, noF16)).not.toThrow();
  });
});

describe('web-llm errors become MemosError codes', () => {
  it('maps the errors web-llm itself throws here (model not loaded, unknown model)', async () => {
    const engine = new MLCEngine({ logLevel: 'SILENT' });
    const notLoaded = await errorOf(() => engine.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(webLlmError(notLoaded).code).toBe('MODEL_NOT_LOADED');
    const unknown = await errorOf(() => engine.reload('no-such-model'));
    expect(webLlmError(unknown).code).toBe('MODEL_UNREACHABLE');
  });

  it('maps the bare strings web-llm sends across its worker boundary', () => {
    const cases: [string, string][] = [
      ['TypeError: Failed to fetch', 'MODEL_UNREACHABLE'],
      ['This model requires WebGPU extension shader-f16, which is not enabled in this browser.', 'SHADER_F16_MISSING'],
      ['WebGPU is not supported in your current environment, but it is necessary to run the WebLLM engine.', 'WEBGPU_UNAVAILABLE'],
      ['The WebGPU device was lost while loading the model. This issue often occurs due to running out of memory (OOM).', 'GPU_OUT_OF_MEMORY'],
      ['Prompt tokens exceed context window size: number of prompt tokens: 5000; context window size: 4096', 'CONTEXT_OVERFLOW'],
      ['something nobody planned for', 'INFERENCE_FAILED'],
    ];
    for (const [text, code] of cases) expect(webLlmError(text).code, text).toBe(code);
  });
});
