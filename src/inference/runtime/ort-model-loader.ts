/**
 * Opens an {@link OrtDecoder} from a registry entry's files: the tokenizer in either format (a
 * llama2.c tokenizer is converted to tokenizer.json on the fly), the chat template and EOS ids from
 * tokenizer_config.json when there is one.
 */
import { MemosError } from '../../core/errors';
import { textHash } from '../../core/hash';
import { llama2cToTokenizerJson, llama2cTokenizerConfig, parseLlama2cTokenizer } from '../tokenizers/llama2c-tokenizer';
import type { ComputeDevice } from '../../protocol/language-model';
import type { OrtModelEntry } from '../../protocol/inference-types';
import { OrtDecoder } from '../decoding/ort-decoder';
import { PLAIN_CHAT_TEMPLATE_VERSION, TextTokenizer } from '../tokenizers/text-tokenizer';

const parseJson = (bytes: Uint8Array, name: string): Record<string, unknown> => {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch (error) {
    throw new MemosError('MODEL_INVALID', `${name} is not valid JSON.`, { name }, { cause: error });
  }
};

/** The tokenizer of an entry, from its files. */
export function tokenizerFromFiles(entry: OrtModelEntry, files: ReadonlyMap<string, Uint8Array>): TextTokenizer {
  const tokenizerBytes = files.get(entry.files.tokenizer);
  if (!tokenizerBytes) throw new MemosError('MODEL_INVALID', `The tokenizer file ${entry.files.tokenizer} is missing.`);
  const configBytes = entry.files.tokenizerConfig ? files.get(entry.files.tokenizerConfig) : undefined;
  if (entry.tokenizerFormat === 'llama2c') {
    const vocabulary = parseLlama2cTokenizer(tokenizerBytes, entry.vocabSize ?? 32000);
    return new TextTokenizer(llama2cToTokenizerJson(vocabulary), { ...llama2cTokenizerConfig(), ...(configBytes ? parseJson(configBytes, 'tokenizer_config.json') : {}) });
  }
  return new TextTokenizer(parseJson(tokenizerBytes, entry.files.tokenizer), configBytes ? parseJson(configBytes, 'tokenizer_config.json') : {});
}

/**
 * Opens the decoder of an ORT entry.
 * @throws {MemosError} MODEL_INVALID; WEBGPU_UNAVAILABLE
 */
export async function openOrtModel(entry: OrtModelEntry, files: ReadonlyMap<string, Uint8Array>, device: ComputeDevice): Promise<OrtDecoder> {
  const tokenizer = tokenizerFromFiles(entry, files);
  const model = files.get(entry.files.model);
  if (!model) throw new MemosError('MODEL_INVALID', `The model file ${entry.files.model} is missing.`);
  const configBytes = entry.files.tokenizerConfig ? files.get(entry.files.tokenizerConfig) : undefined;
  const template = configBytes ? parseJson(configBytes, 'tokenizer_config.json')['chat_template'] : undefined;
  return OrtDecoder.create({
    id: entry.id,
    model,
    tokenizer,
    device,
    contextLength: entry.contextLength,
    ...(entry.rope && { rope: entry.rope }),
    templateVersion: typeof template === 'string' ? `own-${textHash(template)}` : PLAIN_CHAT_TEMPLATE_VERSION,
  });
}
