/**
 * The parametric-memory MemCube: LoRA adapter weights (stored as safetensors in the blob store) with
 * the same header as every memory (owner, cube, version, lifecycle, usage), the base model they belong
 * to, and — for adapters distilled here — the plaintext memories they were trained on and how the
 * training went. Active adapters are merged into the loaded model's weights.
 */
import type { ActivationSource } from './activation-item';
import type { EntryHeader } from './entry-header';

/** The base model an adapter belongs to: applying it to any other is refused. */
export interface AdapterBase {
  readonly modelId: string;
  /** Hex SHA-256 of the base model file (without adapters). */
  readonly weightsHash: string;
}

/** What a distillation measured (perplexities are per token, lower is better). */
export interface DistillationReport {
  readonly steps: number;
  readonly tokens: number;
  readonly trainMs: number;
  readonly memoryPerplexity: { readonly before: number; readonly after: number };
  readonly heldOutPerplexity: { readonly before: number; readonly after: number };
  /** Why training stopped: done, the time budget, or an abort. */
  readonly stopped: 'done' | 'time-budget' | 'aborted';
}

/** One adapter MemCube entry. */
export interface AdapterItem extends EntryHeader {
  readonly name: string;
  readonly base: AdapterBase;
  readonly rank: number;
  readonly alpha: number;
  /** alpha / rank (alpha / √rank with rsLoRA): what B·A is multiplied by. */
  readonly scale: number;
  /** The adapted modules, Hugging Face style ("model.layers.0.self_attn.q_proj"). */
  readonly targets: readonly string[];
  /** Bytes of the stored safetensors file, and its hex SHA-256. */
  readonly bytes: number;
  readonly checksum: string;
  readonly origin: 'imported' | 'distilled';
  /** The plaintext memories it was distilled from, at their versions (empty when imported). */
  readonly sources: readonly ActivationSource[];
  readonly sourceIds: readonly string[];
  readonly training: DistillationReport | null;
  /** Whether it is merged into the model when a matching base model is loaded, and how strongly. */
  readonly active: boolean;
  readonly weight: number;
}
