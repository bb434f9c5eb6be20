/**
 * The models the app offers without the user adding any. Their files are served from this origin
 * (public/models, copied at install), so they load offline. web-llm's catalogue is listed on request
 * (see webLlmCatalogue) because reading it loads web-llm itself.
 */
import type { ModelEntry } from '../../protocol/inference-types';

/** Built-in entries, with files under `base` (the app's base URL, ending in '/'). */
export function builtInModels(base: string): ModelEntry[] {
  return [
    {
      id: 'stories260K',
      label: 'stories260K — tiny Llama (260K parameters)',
      engine: 'ort',
      baseUrl: new URL('models/stories260K/', base).href,
      files: { model: 'stories260K.onnx', tokenizer: 'tok512.bin' },
      tokenizerFormat: 'llama2c',
      vocabSize: 512,
      contextLength: 512,
      rope: { theta: 10000, layout: 'interleaved' },
      builtIn: true,
      license: 'MIT',
      description:
        'Trained on TinyStories by Andrej Karpathy (llama2.c). It writes short children’s stories and follows no instructions: it proves the pipeline (memory in the prompt, streaming, KV) runs in this tab, not answer quality.',
    },
  ];
}
