/**
 * The shipped USE-lite on onnxruntime-web: the tfjs model's own weights, written as an ONNX graph when
 * it loads (src/inference/onnx/use-lite-graph.ts), run by ORT's wasm provider with its threads. Its
 * vectors match the tfjs embedder's (cosine ≥ 0.9999, tested), so both carry the same fingerprint and
 * stored vectors stay valid. Decision 0032.
 */
import { Tokenizer } from '@tensorflow-models/universal-sentence-encoder/dist/tokenizer';
import { MemosError, isMemosError } from '../../core/errors';
import { USE_LITE_MAX_TOKENS, useLiteOnnx, type UseLitePrecision } from '../onnx/use-lite-graph';
import { createOrtSession, type InferenceSession, type Ort, type Tensor } from '../runtime/ort-runtime';
import { normalize, type Embedder, type EmbedderFingerprint, type ModelFiles } from './embedder';
import { readTfjsWeights } from './tfjs-weights';
import { USE_LITE_FINGERPRINT, USE_LITE_INT8_FINGERPRINT } from './use-lite-info';
import { readUseLiteVocabulary } from './use-lite-vocabulary';

export type { UseLitePrecision };

/** Options of {@link UseLiteOrtEmbedder.load}. */
export interface UseLiteOrtOptions {
  /** The tfjs model's files: model.json, its weight shards and vocab.json. */
  readonly files: ModelFiles;
  /**
   * "int8" (about twice as fast; its own fingerprint, since its vectors differ from float32's by up to
   * ~0.002 in cosine) or "float32" (the same vectors as the tfjs embedder). Default "float32".
   */
  readonly precision?: UseLitePrecision;
  /** Tokens per forward pass (texts of similar length are batched up to this many tokens). Default 1,024. */
  readonly batchTokens?: number;
  readonly signal?: AbortSignal;
}

/** Universal Sentence Encoder lite on onnxruntime-web. */
export class UseLiteOrtEmbedder implements Embedder {
  readonly fingerprint: EmbedderFingerprint;
  /** USE-lite was trained on English: other scripts come out as unknown-word vectors. */
  readonly scripts = ['latin'] as const;
  readonly languages = ['english'] as const;
  readonly #ort: Ort;
  readonly #session: InferenceSession;
  readonly #tokenizer: Tokenizer;
  readonly #batchTokens: number;
  /** One run at a time: ORT's threads are shared by the whole session. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(ort: Ort, session: InferenceSession, tokenizer: Tokenizer, batchTokens: number, precision: UseLitePrecision) {
    this.fingerprint = precision === 'int8' ? USE_LITE_INT8_FINGERPRINT : USE_LITE_FINGERPRINT;
    this.#ort = ort;
    this.#session = session;
    this.#tokenizer = tokenizer;
    this.#batchTokens = batchTokens;
  }

  /**
   * Reads the tfjs model's weights and vocabulary, writes the ONNX graph and opens it on ORT's wasm
   * provider (configure ORT's threads with `configureOrt` before).
   * @throws {MemosError} MODEL_UNREACHABLE when the files cannot be read; MODEL_INVALID when they are not this model; ABORTED
   */
  static async load(options: UseLiteOrtOptions): Promise<UseLiteOrtEmbedder> {
    let weights: Awaited<ReturnType<typeof readTfjsWeights>>;
    let vocabulary: [string, number][];
    try {
      [weights, vocabulary] = await Promise.all([
        readTfjsWeights(options.files),
        readUseLiteVocabulary(options.files),
      ]);
    } catch (error) {
      if (isMemosError(error)) throw error;
      throw new MemosError('MODEL_INVALID', `${options.files.location}: ${String(error)}`);
    }
    if (options.signal?.aborted) throw new MemosError('ABORTED');
    const precision = options.precision ?? 'float32';
    const { ort, session } = await createOrtSession(useLiteOnnx(weights, precision), 'wasm');
    if (options.signal?.aborted) {
      await session.release();
      throw new MemosError('ABORTED');
    }
    return new UseLiteOrtEmbedder(ort, session, new Tokenizer(vocabulary), options.batchTokens ?? 1024, precision);
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const run = this.#queue.then(async () => {
      // Every row of a pass is padded to its longest: texts sorted by length keep the padding small.
      const encoded = texts.map((text, index) => ({ index, ids: this.#encode(text) }));
      const byLength = [...encoded].sort((a, b) => a.ids.length - b.ids.length);
      const out = new Array<Float32Array>(texts.length);
      let start = 0;
      while (start < byLength.length) {
        if (signal?.aborted) throw new MemosError('ABORTED');
        // Rows grow in length, so the last row decides the width of the pass.
        let end = start + 1;
        while (end < byLength.length && (end + 1 - start) * byLength[end]!.ids.length <= this.#batchTokens) end++;
        const batch = byLength.slice(start, end);
        const vectors = await this.#run(batch.map((e) => e.ids));
        batch.forEach((e, j) => (out[e.index] = vectors[j]!));
        start = end;
      }
      return out;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The tokenizer's ids, cut where the model stops reading; an empty text reads as one space. */
  #encode(text: string): number[] {
    const ids = this.#tokenizer.encode(text);
    const kept = ids.length > 0 ? ids : this.#tokenizer.encode(' ');
    return kept.length > USE_LITE_MAX_TOKENS ? kept.slice(0, USE_LITE_MAX_TOKENS) : kept;
  }

  async #run(rows: readonly number[][]): Promise<Float32Array[]> {
    const width = Math.max(1, ...rows.map((r) => r.length));
    const ids = new Int32Array(rows.length * width).fill(-1);
    rows.forEach((row, r) => ids.set(row, r * width));
    const result = (await this.#session.run({ ids: new this.#ort.Tensor('int32', ids, [rows.length, width]) }))['embedding'] as Tensor;
    const data = result.data as Float32Array;
    const d = this.fingerprint.dimension;
    const vectors = rows.map((_, r) => normalize(data.slice(r * d, (r + 1) * d)));
    result.dispose();
    return vectors;
  }

  dispose(): void {
    void this.#session.release();
  }
}
