/// <reference lib="webworker" />
/**
 * The inference worker: owns the GPU and the language model (onnxruntime-web or web-llm), the model
 * registry and its cached files. Serves the page and, through a port, the memory worker. Thin on
 * purpose: everything it does lives in src/inference.
 */
import { expose, transfer } from 'comlink';
import { builtInModels } from '../src/inference/runtime/built-in-models';
import { InferenceService } from '../src/inference/inference-service';
import { CacheModelFileStore, MemoryModelFileStore } from '../src/inference/runtime/model-files';
import { signalForPort } from '../src/protocol/abort-port';
import { installErrorTransfer } from '../src/protocol/error-transfer';
import type { InferenceWorkerApi } from '../src/protocol/inference-worker-api';

installErrorTransfer();

const base = new URL(import.meta.env.BASE_URL, self.location.href).href;
let service: Promise<InferenceService> | undefined;
const ready = (): Promise<InferenceService> =>
  (service ??= InferenceService.create({
    store: CacheModelFileStore.available() ? new CacheModelFileStore(self.location.origin) : new MemoryModelFileStore(),
    builtIns: builtInModels(base),
    ortWasmBase: new URL('ort/', base).href,
  }));

const api: InferenceWorkerApi = {
  capabilities: async () => (await ready()).capabilities(),
  status: async () => (await ready()).status(),
  modelInfo: async () => (await ready()).model?.info ?? null,
  listModels: async (options = {}) => (await ready()).listModels(options),
  addModel: async (entry) => (await ready()).addModel(entry),
  addModelFiles: async (entry, files) => (await ready()).addModelFiles(entry, files),
  evictModel: async (id) => (await ready()).evictModel(id),
  removeModel: async (id) => (await ready()).removeModel(id),
  storage: async () => (await ready()).storage(),
  async load(id, options, onProgress, abort) {
    const { signal, done } = signalForPort(abort);
    try {
      return await (await ready()).load(id, { ...options, ...(onProgress && { onProgress }), ...(signal && { signal }) });
    } finally {
      done();
    }
  },
  unload: async () => (await ready()).unload(),
  async useServer(config, abort) {
    const { signal, done } = signalForPort(abort);
    try {
      return await (await ready()).useServer(config, signal);
    } finally {
      done();
    }
  },
  async listServerModels(config) {
    const { listServerModels } = await import('../src/inference/remote/openai-compatible-model');
    return listServerModels(config);
  },
  async generate(request, options, onToken, abort) {
    const { signal, done } = signalForPort(abort);
    try {
      return await (await ready()).generate(request, { ...options, ...(onToken && { onToken }), ...(signal && { signal }) });
    } finally {
      done();
    }
  },
  countTokens: async (texts) => (await ready()).countTokens(texts),
  kvRenderChat: async (messages, addGenerationPrompt) => (await ready()).renderChat(messages, addGenerationPrompt),
  kvEncode: async (text, withBos) => (await ready()).encode(text, withBos),
  async kvPrefill(ids, prefix) {
    const cache = await (await ready()).prefill(ids, prefix);
    // The tensors move to the caller instead of being copied.
    return transfer(cache, [...cache.keys, ...cache.values].map((t) => t.buffer as ArrayBuffer));
  },
  applyAdapters: async (adapters) => (await ready()).applyAdapters(adapters),
  async distillAdapter(request, onProgress, abort) {
    const { signal, done } = signalForPort(abort);
    try {
      const result = await (await ready()).distill(request, onProgress, signal);
      return transfer(result, result.lora.targets.flatMap((t) => [t.a.buffer as ArrayBuffer, t.b.buffer as ArrayBuffer]));
    } finally {
      done();
    }
  },
  connect(port) {
    expose(api, port);
  },
};

expose(api);
