/**
 * An {@link Embedder} on onnxruntime-web for sentence-transformer exports (MiniLM, bge, gte, e5, …):
 * tokenizer.json through @huggingface/tokenizers (special tokens added, truncated to `maxTokens`),
 * padded batches, then mean or CLS pooling over `last_hidden_state` — or the model's own
 * `sentence_embedding` output when it has one — and L2 normalisation.
 */
import { MemosError, isMemosError } from '../../core/errors';
import type { EmbedderFingerprint } from '../../core/cube';
import { normalize, type Embedder } from './embedder';
import { createOrtSession, type InferenceSession, type Ort, type Tensor } from '../runtime/ort-runtime';
import type { TextTokenizer } from '../tokenizers/text-tokenizer';

/** What it takes to open an ORT embedder. */
export interface OrtEmbedderOptions {
  /** Names the model in the fingerprint stored with its vectors (e.g. "all-MiniLM-L6-v2"). */
  readonly modelId: string;
  /** The model's revision (a version or a hash of the file): a new revision re-embeds. */
  readonly revision: string;
  readonly model: Uint8Array;
  readonly tokenizer: TextTokenizer;
  /** "mean" over real tokens (MiniLM, gte, e5) or the first token's state, "cls" (bge). */
  readonly pooling: 'mean' | 'cls';
  /** Tokens per text, special tokens included (longer texts are cut). Default 256. */
  readonly maxTokens?: number;
  /** Texts per forward pass. Default 16. */
  readonly batchSize?: number;
  /** The padding token id. Default 0. */
  readonly padId?: number;
}

/** A sentence-transformer encoder on ORT's wasm provider. */
export class OrtEmbedder implements Embedder {
  readonly fingerprint: EmbedderFingerprint;
  readonly #ort: Ort;
  readonly #session: InferenceSession;
  readonly #options: OrtEmbedderOptions;
  readonly #output: string;
  readonly #pooled: boolean;

  private constructor(ort: Ort, session: InferenceSession, options: OrtEmbedderOptions, output: string, dimension: number) {
    this.#ort = ort;
    this.#session = session;
    this.#options = options;
    this.#output = output;
    this.#pooled = output === 'sentence_embedding';
    this.fingerprint = { modelId: options.modelId, revision: options.revision, dimension };
  }

  /**
   * Opens the encoder and works out its output and dimension (from the model's metadata, else one
   * trial run).
   * @throws {MemosError} MODEL_INVALID when the model lacks input_ids/attention_mask or a usable output
   */
  static async create(options: OrtEmbedderOptions): Promise<OrtEmbedder> {
    const { ort, session } = await createOrtSession(options.model, 'wasm');
    try {
      if (!session.inputNames.includes('input_ids') || !session.inputNames.includes('attention_mask')) {
        throw new MemosError('MODEL_INVALID', 'An encoder needs input_ids and attention_mask inputs.', { inputs: session.inputNames.slice(0, 6) });
      }
      const output = ['sentence_embedding', 'last_hidden_state'].find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];
      if (!output) throw new MemosError('MODEL_INVALID', 'The encoder has no output.');
      const probe = new OrtEmbedder(ort, session, options, output, 0);
      const [vector] = await probe.#run([[...options.tokenizer.encodeWithSpecialTokens('dimension probe')]]);
      if (!vector || vector.length === 0) throw new MemosError('MODEL_INVALID', 'The encoder returned an empty vector.');
      return new OrtEmbedder(ort, session, options, output, vector.length);
    } catch (error) {
      await session.release();
      if (isMemosError(error)) throw error;
      throw new MemosError('MODEL_INVALID', `The encoder failed its first run: ${String(error).slice(0, 200)}`, undefined, { cause: error });
    }
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const max = this.#options.maxTokens ?? 256;
    const batchSize = this.#options.batchSize ?? 16;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batchSize) {
      if (signal?.aborted) throw new MemosError('ABORTED', 'Embedding stopped.');
      const batch = texts.slice(i, i + batchSize).map((text) => {
        const ids = this.#options.tokenizer.encodeWithSpecialTokens(text);
        // Keep the closing special token (e.g. [SEP]) when cutting.
        return ids.length <= max ? ids : [...ids.slice(0, max - 1), ids.at(-1) as number];
      });
      out.push(...(await this.#run(batch)));
    }
    return out;
  }

  async #run(batch: readonly number[][]): Promise<Float32Array[]> {
    const ort = this.#ort;
    const rows = batch.length;
    const width = Math.max(1, ...batch.map((ids) => ids.length));
    const ids = new BigInt64Array(rows * width).fill(BigInt(this.#options.padId ?? 0));
    const mask = new BigInt64Array(rows * width);
    batch.forEach((row, r) =>
      row.forEach((id, t) => {
        ids[r * width + t] = BigInt(id);
        mask[r * width + t] = 1n;
      }),
    );
    const feeds: Record<string, Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [rows, width]),
      attention_mask: new ort.Tensor('int64', mask, [rows, width]),
    };
    if (this.#session.inputNames.includes('token_type_ids')) feeds['token_type_ids'] = new ort.Tensor('int64', new BigInt64Array(rows * width), [rows, width]);
    const result = (await this.#session.run(feeds))[this.#output] as Tensor;
    const data = result.data as Float32Array;
    const hidden = result.dims.at(-1) as number;
    return batch.map((row, r) => {
      if (this.#pooled) return normalize(data.slice(r * hidden, (r + 1) * hidden));
      const base = r * width * hidden;
      if (this.#options.pooling === 'cls') return normalize(data.slice(base, base + hidden));
      const sum = new Float32Array(hidden);
      for (let t = 0; t < row.length; t++) for (let h = 0; h < hidden; h++) sum[h] = (sum[h] as number) + (data[base + t * hidden + h] as number);
      for (let h = 0; h < hidden; h++) sum[h] = (sum[h] as number) / row.length;
      return normalize(sum);
    });
  }

  dispose(): void {
    void this.#session.release();
  }
}
