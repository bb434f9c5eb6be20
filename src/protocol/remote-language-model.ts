/**
 * The memory worker's view of the model in the inference worker: a {@link ModelSource} that asks,
 * at each chat, which model is loaded there and forwards tokens and aborts across the boundary.
 */
import { proxy, transfer, type Remote } from 'comlink';
import type { AdapterAccess, GenerateOptions, GenerateRequest, GenerateResult, KvAccess, LanguageModel, ModelInfo } from './language-model';
import { portForSignal } from './abort-port';
import type { InferenceWorkerApi } from './inference-worker-api';

class RemoteLanguageModel implements LanguageModel {
  readonly info: ModelInfo;
  readonly kv?: KvAccess;
  readonly adapters?: AdapterAccess;
  readonly #remote: Remote<InferenceWorkerApi>;

  constructor(remote: Remote<InferenceWorkerApi>, info: ModelInfo) {
    this.#remote = remote;
    this.info = info;
    if (info.kvModel) {
      this.kv = {
        renderChat: (messages, addGenerationPrompt) => remote.kvRenderChat([...messages], addGenerationPrompt),
        encode: (text, withBos) => remote.kvEncode(text, withBos),
        prefill: (ids, prefix) => remote.kvPrefill([...ids], prefix),
      };
    }
    if (info.adapters) {
      // The weights move to the inference worker instead of being copied.
      this.adapters = {
        apply: (adapters) => {
          const list = [...adapters];
          return remote.applyAdapters(transfer(list, list.flatMap((a) => a.lora.targets.flatMap((t) => [t.a.buffer as ArrayBuffer, t.b.buffer as ArrayBuffer]))));
        },
        distill: (request, onProgress, signal) => {
          const port = portForSignal(signal);
          const callback = onProgress ? proxy(onProgress) : undefined;
          return port ? remote.distillAdapter(request, callback, transfer(port, [port])) : remote.distillAdapter(request, callback);
        },
      };
    }
  }

  countTokens(texts: readonly string[]): Promise<number[]> {
    return this.#remote.countTokens([...texts]);
  }

  generate(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    const { signal, onToken, constraint: _constraint, ...wire } = options;
    const port = portForSignal(signal);
    const callback = onToken ? proxy(onToken) : undefined;
    return port ? this.#remote.generate(request, wire, callback, transfer(port, [port])) : this.#remote.generate(request, wire, callback);
  }

  async dispose(): Promise<void> {
    // The inference worker owns the model; the memory worker only borrows it.
  }
}

/** A model source for MemOS.setLanguageModel over a connection to the inference worker. */
export function remoteModelSource(remote: Remote<InferenceWorkerApi>): () => Promise<LanguageModel | undefined> {
  return async () => {
    const info = await remote.modelInfo();
    return info ? new RemoteLanguageModel(remote, info) : undefined;
  };
}
