/**
 * Sentence encoders the Settings tab offers by name, besides USE-lite (English) and any ONNX encoder by
 * URL. They download from Hugging Face when chosen (the deployment must allow that host in
 * `MEMOS_MODEL_HOSTS`, see decision 0016), then are cached for offline use.
 */
import type { UrlEmbedder } from './app-settings';

/** A named encoder the Settings tab offers. */
export interface EmbedderPreset {
  /** The select's value. */
  readonly id: string;
  readonly label: string;
  readonly spec: UrlEmbedder;
}

export const EMBEDDER_PRESETS: readonly EmbedderPreset[] = [
  {
    id: 'multilingual-minilm',
    label: 'Multilingual MiniLM L12 (50+ languages; 118 MB download from Hugging Face, then offline)',
    spec: {
      kind: 'onnx',
      modelId: 'paraphrase-multilingual-MiniLM-L12-v2',
      revision: '018218219718cc217663562b0a65b5ffd1339d47',
      baseUrl: 'https://huggingface.co/Xenova/paraphrase-multilingual-MiniLM-L12-v2/resolve/018218219718cc217663562b0a65b5ffd1339d47/',
      names: { model: 'onnx/model_quantized.onnx' },
      pooling: 'mean',
    },
  },
];

/** The preset a saved embedder is, if it is one. */
export function presetOf(embedder: unknown): EmbedderPreset | undefined {
  if (typeof embedder !== 'object' || embedder === null) return undefined;
  const e = embedder as Partial<UrlEmbedder>;
  return EMBEDDER_PRESETS.find((p) => p.spec.modelId === e.modelId && p.spec.revision === e.revision && p.spec.baseUrl === e.baseUrl);
}
