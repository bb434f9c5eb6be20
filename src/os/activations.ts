/**
 * Activation memory in the API: build a KV MemCube from chosen plaintext memories (one prefill of
 * the documented memory template), list, activate for a chat session, deactivate, evict. MemOS owns
 * the store, access rules and audit; this module holds the steps.
 */
import { newEntryHeader } from '../core/entry-header';
import type { ActivationItem } from '../core/activation-item';
import { MemosError } from '../core/errors';
import { newId } from '../core/ids';
import type { MemoryItem } from '../core/memory-item';
import type { KvCache, TemplateMessage } from '../protocol/inference-types';
import type { LanguageModel } from '../protocol/language-model';
import type { CallOptions } from '../protocol/memory-types';
import { concatCaches } from '../inference/decoding/rope';
import { checkModel, decodeCache, encodeCache, type EncodedCache } from '../memory/activation/activation-store';
import type { KvEncoding } from '../memory/activation/kv-codec';
import { MEMORY_TEMPLATE_VERSION, memoryBlock, memoryLine } from './chat-prompt';
import type { BlobRecord } from '../storage/schema';

/** The header fields of a new activation. */
function newHeader(id: string, params: { userId: string; cubeId: string; now: number }) {
  return { ...newEntryHeader(id, params), staleReason: null };
}

/** The prompt text and tokens of an activation, from its memories. */
export interface ActivationPrompt {
  readonly text: string;
  readonly prefixText: string;
  readonly tokenIds: number[];
}

/** The model's KV access, or a clear error. */
export function kvOf(model: LanguageModel | undefined): NonNullable<LanguageModel['kv']> & { fingerprint: NonNullable<LanguageModel['info']['kvModel']> } {
  if (!model) throw new MemosError('MODEL_NOT_LOADED', 'Activation memory needs a loaded model with an explicit KV cache.');
  if (!model.kv || !model.info.kvModel) {
    throw new MemosError('INVALID_INPUT', `The ${model.info.engine} engine keeps no readable KV cache: activation memory needs the ORT engine.`, { field: 'model' });
  }
  return { ...model.kv, fingerprint: model.info.kvModel };
}

/** The memory block as the system message of the model's template, and its token ids (BOS first). */
export async function activationPrompt(model: LanguageModel, memories: readonly MemoryItem[]): Promise<ActivationPrompt> {
  const kv = kvOf(model);
  const text = memoryBlock(memories.map((m, i) => memoryLine(m, i + 1)));
  const prefixText = await kv.renderChat([{ role: 'system', content: text }], false);
  return { text, prefixText, tokenIds: await kv.encode(prefixText, true) };
}

/** Builds the entry and its encoded tensors (not yet stored). */
export async function buildActivationRecord(
  model: LanguageModel,
  memories: readonly MemoryItem[],
  params: { userId: string; cubeId: string; encoding: KvEncoding; now: number },
  options: CallOptions = {},
): Promise<{ item: ActivationItem; encoded: EncodedCache; cache: KvCache }> {
  const kv = kvOf(model);
  options.onProgress?.({ phase: 'prompt', done: 0, total: memories.length, unit: 'items' });
  const prompt = await activationPrompt(model, memories);
  if (prompt.tokenIds.length >= model.info.contextLength) {
    throw new MemosError('CONTEXT_OVERFLOW', 'These memories do not fit in the context window as one prefix.', { tokens: prompt.tokenIds.length });
  }
  if (options.signal?.aborted) throw new MemosError('ABORTED');
  options.onProgress?.({ phase: 'prefill', done: 0, total: prompt.tokenIds.length, unit: 'tokens' });
  const started = performance.now();
  const cache = await kv.prefill(prompt.tokenIds);
  options.onProgress?.({ phase: 'prefill', done: prompt.tokenIds.length, total: prompt.tokenIds.length, unit: 'tokens' });
  const prefillMs = performance.now() - started;
  const id = newId('kv');
  const encoded = await encodeCache(cache, params.encoding, id, params.cubeId);
  const item: ActivationItem = {
    ...newHeader(id, params),
    model: kv.fingerprint,
    encoding: params.encoding,
    tokenIds: prompt.tokenIds,
    text: prompt.text,
    positions: { start: 0, end: cache.length },
    sources: memories.map((m) => ({ memoryId: m.id, version: m.version })),
    sourceIds: memories.map((m) => m.id),
    memoryTemplateVersion: MEMORY_TEMPLATE_VERSION,
    bytes: encoded.bytes,
    sessions: [],
    composedFrom: [],
    timings: { prefillMs, lastLoadMs: null },
  };
  return { item, encoded, cache };
}

/**
 * Joins stored cubes into one (approximate: see concatCaches). Every part must be usable with the
 * model, whose RoPE must be known.
 * @throws {MemosError} INVALID_INPUT when the model's RoPE is unknown; KV_INCOMPATIBLE, KV_CORRUPT
 */
export async function composeActivationRecord(
  model: LanguageModel,
  parts: readonly { item: ActivationItem; blobs: readonly BlobRecord[] }[],
  params: { userId: string; cubeId: string; encoding: KvEncoding; now: number },
): Promise<{ item: ActivationItem; encoded: EncodedCache }> {
  const kv = kvOf(model);
  if (!kv.fingerprint.rope) throw new MemosError('INVALID_INPUT', "The model's RoPE is unknown, so cached keys cannot be moved.", { field: 'model' });
  const caches = await Promise.all(parts.map((p) => usableCache(p.item, p.blobs, model)));
  const cache = concatCaches(caches, kv.fingerprint.rope, 1);
  if (cache.length >= model.info.contextLength) throw new MemosError('CONTEXT_OVERFLOW', 'The composed cubes do not fit in the context window.');
  const id = newId('kv');
  const encoded = await encodeCache(cache, params.encoding, id, params.cubeId);
  const items = parts.map((p) => p.item);
  // A composed cube was never prefilled as a whole, so it has no measured prefill time of its own.
  const { timings: _notMeasured, ...first } = items[0] as ActivationItem;
  const item: ActivationItem = {
    ...first,
    ...newHeader(id, params),
    encoding: params.encoding,
    tokenIds: items.flatMap((it, i) => (i === 0 ? [...it.tokenIds] : it.tokenIds.slice(1))),
    text: items.map((it) => it.text).join('\n'),
    positions: { start: 0, end: cache.length },
    sources: items.flatMap((it) => it.sources),
    sourceIds: [...new Set(items.flatMap((it) => it.sourceIds))],
    bytes: encoded.bytes,
    sessions: [],
    composedFrom: items.map((it) => it.id),
  };
  return { item, encoded };
}

/**
 * Loads a stored cache for use with `model`.
 * @throws {MemosError} KV_INCOMPATIBLE (another model), KV_CORRUPT (damaged), INVALID_INPUT (stale)
 */
export async function usableCache(item: ActivationItem, blobs: readonly BlobRecord[], model: LanguageModel): Promise<KvCache> {
  checkUsable(item, model);
  return decodeCache(item, blobs);
}

/**
 * Checks that a stored cube can start `model` now (its model, and not stale) — also when its decoded
 * cache is already held in memory.
 * @throws {MemosError} KV_INCOMPATIBLE, INVALID_INPUT (stale), MODEL_NOT_LOADED
 */
export function checkUsable(item: ActivationItem, model: LanguageModel): void {
  checkModel(item.model, kvOf(model).fingerprint);
  if (item.staleReason) throw new MemosError('INVALID_INPUT', `The activation is stale (${item.staleReason}): rebuild it.`, { activationId: item.id });
}

/**
 * The token ids that follow an activation's prefix for a chat: the model's template over the memory
 * block plus the conversation, with the prefix's text cut off the front. Undefined when the template
 * does not render the prefix as a prefix (then the caller pastes the text instead).
 */
export async function idsAfterPrefix(model: LanguageModel, item: ActivationItem, messages: readonly TemplateMessage[]): Promise<number[] | undefined> {
  const kv = kvOf(model);
  const prefixText = await kv.renderChat([{ role: 'system', content: item.text }], false);
  const full = await kv.renderChat([{ role: 'system', content: item.text }, ...messages], true);
  if (!full.startsWith(prefixText)) return undefined;
  return kv.encode(full.slice(prefixText.length), false);
}
