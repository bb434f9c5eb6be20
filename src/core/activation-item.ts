/**
 * The activation-memory MemCube: a stored KV cache with the same header as every memory (owner,
 * cube, version, lifecycle, usage) plus what makes it safe to reuse — the exact model it was made
 * by, the tokens and text it covers, and the plaintext memories (with their versions) it was built
 * from. A cube whose sources changed is stale and is never used until rebuilt.
 */
import type { EntryHeader } from './entry-header';

/** What identifies the model a KV cache belongs to; every field must match to use it. */
export interface KvModelFingerprint {
  readonly modelId: string;
  /** Hex SHA-256 of the model file. */
  readonly weightsHash: string;
  readonly dtype: 'float32';
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** How the model applies RoPE, when known (needed to move keys when caches are composed). */
  readonly rope: { readonly theta: number; readonly layout: 'interleaved' | 'half' } | null;
  /** The chat template's version (the prompt text around the memories depends on it). */
  readonly templateVersion: string;
}

/** A plaintext memory an activation was built from, at the version it had. */
export interface ActivationSource {
  readonly memoryId: string;
  readonly version: number;
}

/** How the tensors are stored. */
export type KvEncodingName = 'fp32' | 'fp16' | 'int8';

/** One activation MemCube entry (its tensors live in the blob store). */
export interface ActivationItem extends EntryHeader {
  /** Why it may no longer be used (a source memory changed or went away), or null. */
  readonly staleReason: string | null;
  readonly model: KvModelFingerprint;
  readonly encoding: KvEncodingName;
  /** The token ids it covers, BOS included. */
  readonly tokenIds: readonly number[];
  /** The prompt text it covers (the memory block). */
  readonly text: string;
  /** Positions [start, end) the cache occupies. */
  readonly positions: { readonly start: number; readonly end: number };
  readonly sources: readonly ActivationSource[];
  /** Ids of `sources`, for the index that finds activations to mark stale. */
  readonly sourceIds: readonly string[];
  /** Version of the memory template (src/os/chat-prompt.ts). */
  readonly memoryTemplateVersion: string;
  /** Bytes of its stored tensors. */
  readonly bytes: number;
  /** Chat sessions it is the prefix of. */
  readonly sessions: readonly string[];
  /**
   * The cubes it was composed from (keys moved, no attention across the parts: an approximation of
   * a joint prefill), or empty when it was prefilled as one.
   */
  readonly composedFrom: readonly string[];
  /**
   * Measured costs, for showing what the cube saves: `prefillMs`, the time the model took to read
   * these tokens when the cube was built (what a chat without the cube pays again); `lastLoadMs`, the
   * time the last chat that used it took to load and check it from storage. Absent on older cubes.
   */
  readonly timings?: { readonly prefillMs: number; readonly lastLoadMs: number | null };
}
