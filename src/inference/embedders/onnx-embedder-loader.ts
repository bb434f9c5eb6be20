/**
 * Opens an {@link OrtEmbedder} from a description: its files from a folder URL (fetched once, then
 * kept in the model file store for offline use) or handed over as bytes (files the user picked).
 */
import { MemosError } from '../../core/errors';
import type { ModelFileStore } from '../runtime/model-files';
import { fetchWithProgress } from '../runtime/model-files';
import { OrtEmbedder } from './ort-embedder';
import { TextTokenizer } from '../tokenizers/text-tokenizer';
import type { OnnxEmbedderSpec } from '../../protocol/inference-types';

/**
 * Loads the encoder.
 * @throws {MemosError} MODEL_UNREACHABLE when a required file is neither stored nor fetchable; MODEL_INVALID
 */
export async function loadOnnxEmbedder(spec: OnnxEmbedderSpec, store: ModelFileStore, signal?: AbortSignal): Promise<OrtEmbedder> {
  const key = `embedder:${spec.modelId}@${spec.revision}`;
  for (const file of spec.files ?? []) await store.put(key, file.name, file.data);
  const read = async (name: string, required: boolean): Promise<Uint8Array | undefined> => {
    const stored = await store.get(key, name);
    if (stored) return stored;
    if (!spec.baseUrl) {
      if (required) throw new MemosError('MODEL_UNREACHABLE', `The embedder file ${name} was not given and there is no baseUrl.`, { modelId: spec.modelId, name });
      return undefined;
    }
    try {
      const data = await fetchWithProgress(new URL(name, spec.baseUrl).href, undefined, signal);
      await store.put(key, name, data);
      return data;
    } catch (error) {
      if (required) throw error;
      return undefined;
    }
  };
  const model = (await read(spec.names?.model ?? 'model.onnx', true)) as Uint8Array;
  const tokenizerBytes = (await read(spec.names?.tokenizer ?? 'tokenizer.json', true)) as Uint8Array;
  const configBytes = await read(spec.names?.tokenizerConfig ?? 'tokenizer_config.json', false);
  let tokenizer: TextTokenizer;
  try {
    const config = configBytes ? (JSON.parse(new TextDecoder().decode(configBytes)) as Record<string, unknown>) : {};
    tokenizer = new TextTokenizer(JSON.parse(new TextDecoder().decode(tokenizerBytes)) as object, config);
  } catch (error) {
    if (error instanceof MemosError) throw error;
    throw new MemosError('MODEL_INVALID', 'The embedder tokenizer files are not valid JSON.', { modelId: spec.modelId }, { cause: error });
  }
  const padId = tokenizer.tokenToId('[PAD]') ?? tokenizer.tokenToId('<pad>') ?? 0;
  return OrtEmbedder.create({
    modelId: spec.modelId,
    revision: spec.revision,
    model,
    tokenizer,
    pooling: spec.pooling,
    padId,
    ...(spec.maxTokens !== undefined && { maxTokens: spec.maxTokens }),
  });
}
