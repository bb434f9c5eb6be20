/**
 * Text embedders: turn texts into unit-length vectors so that a dot product is a cosine similarity.
 * Every embedder has a fingerprint (model id, revision, dimension) stored with the vectors it made,
 * so vectors of two models are never compared.
 */
import type { Script } from '../../core/words';
import type { EmbedderFingerprint, TextLanguage } from '../../core/cube';
import { MemosError } from '../../core/errors';

export type { EmbedderFingerprint };

/** A text embedder. */
export interface Embedder {
  /** Which model made the vectors. */
  readonly fingerprint: EmbedderFingerprint;
  /**
   * Embeds texts, in batches. Each result is L2-normalised and has `fingerprint.dimension` values.
   * @throws {MemosError} ABORTED when the signal aborts between batches
   */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Frees the model's memory. */
  dispose(): void;
  /**
   * The scripts whose text the model understands, when it knows only some (USE-lite: Latin). A query
   * with no word in them is answered by words alone: the model's vectors for it would be noise.
   * Absent: every script.
   */
  readonly scripts?: readonly Script[];
  /**
   * The languages the model understands, when it knows only some (USE-lite: English). A search whose
   * cubes are all set to other languages (CubePolicy.language) is answered by words alone. Absent:
   * every language.
   */
  readonly languages?: readonly TextLanguage[];
}

/** A stable string key for a fingerprint (used to key stored vectors). */
export function fingerprintKey(f: EmbedderFingerprint): string {
  return `${f.modelId}@${f.revision}/${f.dimension}`;
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/** The dot product of two vectors of the same length (cosine, for unit vectors). */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Where a model's files come from: a URL folder (browser, PWA cache) or a folder on disk (Node). */
export interface ModelFiles {
  /** Reads one file of the model by its name (e.g. "model.json"). */
  read(name: string): Promise<ArrayBuffer>;
  /** A description for error messages. */
  readonly location: string;
}

/** Model files served over HTTP from a base URL (our own origin by default). */
export function filesAtUrl(baseUrl: string | URL): ModelFiles {
  const base = new URL(baseUrl, globalThis.location?.href);
  return {
    location: base.href,
    async read(name) {
      let response: Response;
      try {
        response = await fetch(new URL(name, base));
      } catch (error) {
        throw new MemosError('MODEL_UNREACHABLE', `${name} at ${base.href}: ${String(error)}`, { url: base.href });
      }
      if (!response.ok) throw new MemosError('MODEL_UNREACHABLE', `${name}: HTTP ${response.status}`, { url: base.href, status: response.status });
      return response.arrayBuffer();
    },
  };
}
