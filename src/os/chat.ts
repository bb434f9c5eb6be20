/**
 * chat(): recall → prompt → generate → remember. Searches the user's cubes with the last user
 * message, puts the memories that fit the budget into the prompt (see chat-prompt.ts), generates with
 * the loaded model (streaming), then stores the user's message (and the answer, when asked) through the
 * fast reader so what was said becomes memory. An aborted or failed generation stores nothing.
 */
import { MemosError } from '../core/errors';
import type { MemoryItem } from '../core/memory-item';
import type { ActivationItem } from '../core/activation-item';
import type { KvCache, TemplateMessage } from '../protocol/inference-types';
import { MEMORY_BLOCK_HEADER, memoryBlock, memoryLine } from '../protocol/memory-block';
import type { GenerateResult, LanguageModel } from '../protocol/language-model';
import { idsAfterPrefix } from './activations';
import type { AddParams, CallOptions, ChatOptions, ChatParams, ChatResult, CubeView } from '../protocol/memory-types';
import type { SearchHit, SearchParams } from '../protocol/search-types';
import { buildChatPrompt } from './chat-prompt';
import { intInRange, numberInRange, requireId, requireObject, requireReference } from './validate';

/** A language model, or a function that finds the one loaded now (it may live in another worker). */
export type ModelSource = LanguageModel | (() => Promise<LanguageModel | undefined>);

/** What chat() uses of MemOS. */
export interface ChatDeps {
  readonly model: ModelSource | undefined;
  /** Counts a use of the memories put into a prompt whose answer came back. */
  countUses?(ids: readonly string[]): Promise<void>;
  search(params: SearchParams, options: CallOptions): Promise<SearchHit[]>;
  add(params: AddParams, options: CallOptions): Promise<MemoryItem[]>;
  listCubes(params: { userId: string }): Promise<CubeView[]>;
  now(): number;
  /** Records that a KV MemCube served a chat (its usage header; eviction goes by it). */
  noteActivationUse?(activationId: string, loadMs: number): Promise<void>;
  /** Tells working memory what a query recalled in a session. */
  noteRecall?(userId: string, sessionId: string, query: string, hits: readonly SearchHit[], model: LanguageModel): void;
  /** The KV MemCube active in a session, loaded for this model, or why it cannot be used. */
  activationFor(userId: string, sessionId: string, model: LanguageModel): Promise<{ item: ActivationItem; cache?: KvCache; refused?: string } | undefined>;
}

const PLAIN_TEMPLATE_STOPS = ['\nUser:'];

async function resolveModel(source: ModelSource | undefined): Promise<LanguageModel> {
  const model = typeof source === 'function' ? await source() : source;
  if (!model) throw new MemosError('MODEL_NOT_LOADED', 'chat() needs a loaded language model.');
  return model;
}

function checkParams(params: ChatParams): void {
  requireObject(params, 'params');
  requireId(params.userId, 'userId');
  requireReference(params.sessionId, 'sessionId');
  if (!Array.isArray(params.messages) || params.messages.length === 0) {
    throw new MemosError('INVALID_INPUT', 'messages must be a non-empty list ending with the user message.', { field: 'messages' });
  }
  params.messages.forEach((m, i) => {
    if (!m || !['system', 'user', 'assistant'].includes(m.role) || typeof m.content !== 'string') {
      throw new MemosError('INVALID_INPUT', 'Each message needs a role (system, user, assistant) and text content.', { field: `messages[${i}]` });
    }
  });
  const last = params.messages.at(-1);
  if (last?.role !== 'user' || !last.content.trim()) {
    throw new MemosError('INVALID_INPUT', 'The last message must be a non-empty user message.', { field: 'messages' });
  }
}

/** Picks the cube the turn is written to, or null. */
async function writeTarget(deps: ChatDeps, params: ChatParams): Promise<string | null> {
  if (params.writeCubeId === null) return null;
  if (params.writeCubeId !== undefined) return requireId(params.writeCubeId, 'writeCubeId');
  const views = await deps.listCubes({ userId: params.userId });
  const writable = views.filter((v) => v.access === 'owner' || v.access === 'write');
  const preferred = params.cubeIds?.find((id) => writable.some((v) => v.cube.cubeId === id));
  return preferred ?? writable.find((v) => v.access === 'owner')?.cube.cubeId ?? null;
}

/**
 * Runs one chat turn.
 * @throws {MemosError} MODEL_NOT_LOADED, INVALID_INPUT, CONTEXT_OVERFLOW, ABORTED, FORBIDDEN, and the model's errors
 */
export async function runChat(deps: ChatDeps, params: ChatParams, options: ChatOptions = {}): Promise<ChatResult> {
  checkParams(params);
  const model = await resolveModel(deps.model);
  const topK = intInRange(params.topK, 'topK', 0, 50, 8);
  const maxTokens = intInRange(params.maxTokens, 'maxTokens', 1, model.info.contextLength, Math.min(256, Math.floor(model.info.contextLength / 4)));
  const memoryTokens = numberInRange(params.memoryTokens, 'memoryTokens', 0, model.info.contextLength, Math.min(1024, Math.floor(model.info.contextLength / 3)));
  const question = (params.messages.at(-1) as { content: string }).content;
  const target = await writeTarget(deps, params);
  const signal = options.signal;
  const streaming = {
    maxTokens,
    stop: [...PLAIN_TEMPLATE_STOPS, ...(params.stop ?? [])],
    ...params.sampling,
    ...(signal && { signal }),
    ...(options.onToken && { onToken: (t: { text: string; index: number }) => options.onToken?.({ text: t.text, index: t.index }) }),
  };
  // A KV MemCube active in this session stands in for the memories it holds (never pasted again);
  // those it lacks follow its prefix.
  const loadStarted = performance.now();
  const active = await deps.activationFor(params.userId, params.sessionId, model);
  const loadMs = performance.now() - loadStarted;
  let activation: ChatResult['activation'] = active ? { id: active.item.id, used: false, reason: active.refused ?? null } : null;
  let hits: SearchHit[] = [];
  let result: GenerateResult | undefined;
  let prompt: { usedMemories: number[]; memoryTokens: number; droppedMessages: number } = { usedMemories: [], memoryTokens: 0, droppedMessages: 0 };
  /** The memories this turn's question finds (searched once, by whichever path needs them first). */
  const searchForQuestion = async (): Promise<SearchHit[]> =>
    topK === 0 ? [] : deps.search({ userId: params.userId, query: question, topK, ...(params.cubeIds && { cubeIds: params.cubeIds }) }, { signal });
  let found: SearchHit[] | undefined;
  if (active?.cache) {
    const cache = active.cache;
    // The cube holds the memories it was built from; memories it lacks that this question finds
    // (added since, or about something else) follow its prefix in a short block of their own.
    found = await searchForQuestion();
    const held = new Set(active.item.sourceIds);
    const lacking = found.filter((h) => !held.has(h.memory.id));
    const room = Math.min(memoryTokens, Math.floor((model.info.contextLength - cache.length - maxTokens) / 2));
    const extra = await memoriesAfterPrefix(model, lacking.map((h) => h.memory), active.item.sources.length, room);
    let fitted = await fitAfterPrefix(model, active.item, [...extra.messages, ...params.messages], cache.length, maxTokens).catch((error: unknown) => {
      if (extra.messages.length > 0 && error instanceof MemosError && error.code === 'CONTEXT_OVERFLOW') return null;
      throw error;
    });
    let used = extra.count;
    // Without room for them, the cube and the conversation come first.
    if (fitted === null) {
      fitted = await fitAfterPrefix(model, active.item, params.messages, cache.length, maxTokens);
      used = 0;
    }
    if (fitted) {
      hits = lacking.slice(0, used);
      if (found.length > 0) deps.noteRecall?.(params.userId, params.sessionId, question, found, model);
      result = await model.generate({ promptIds: fitted.ids, prefix: cache }, streaming);
      activation = { id: active.item.id, used: true, reason: null };
      await deps.noteActivationUse?.(active.item.id, loadMs).catch(() => undefined);
      prompt = { usedMemories: hits.map((_, i) => i), memoryTokens: cache.length + (used > 0 ? extra.tokens : 0), droppedMessages: fitted.dropped };
    } else {
      activation = { id: active.item.id, used: false, reason: "the model's chat template does not keep the memory block as a prefix" };
    }
  }
  if (!result) {
    hits = found ?? (await searchForQuestion());
    deps.noteRecall?.(params.userId, params.sessionId, question, hits, model);
    const built = await buildChatPrompt(
      params.messages,
      hits.map((h) => h.memory),
      { contextLength: model.info.contextLength, maxTokens, memoryTokens, count: (texts) => model.countTokens(texts) },
    );
    prompt = built;
    result = await model.generate({ messages: built.messages }, streaming);
  }
  const answer = result.text.trim();
  // The memories the model was given were used; the other hits were only found.
  await deps.countUses?.(prompt.usedMemories.map((i) => (hits[i] as SearchHit).memory.id)).catch(() => undefined);
  let stored: MemoryItem[] = [];
  if (target) {
    const at = deps.now();
    stored = await deps.add(
      {
        userId: params.userId,
        cubeId: target,
        sessionId: params.sessionId,
        messages: [
          { role: 'user', content: question, timestamp: at },
          // The model's answer is memory only when asked for (ChatParams.storeAnswer).
          ...(answer && params.storeAnswer === true ? [{ role: 'assistant' as const, content: answer, timestamp: at }] : []),
        ],
      },
      { signal: undefined },
    );
  }
  return {
    answer,
    memories: prompt.usedMemories.map((i) => hits[i] as SearchHit),
    stored,
    modelId: model.info.id,
    finishReason: result.finishReason,
    promptTokens: result.promptTokens,
    memoryTokens: prompt.memoryTokens,
    droppedMessages: prompt.droppedMessages,
    timings: result.timings,
    activation,
  };
}

/**
 * The memories a KV cube lacks, as a system message to follow its prefix: as many lines as fit `room`
 * tokens, numbered after the cube's own (so no two memories share a number in the model's view).
 */
async function memoriesAfterPrefix(
  model: LanguageModel,
  memories: readonly MemoryItem[],
  heldCount: number,
  room: number,
): Promise<{ messages: TemplateMessage[]; count: number; tokens: number }> {
  if (memories.length === 0 || room <= 0) return { messages: [], count: 0, tokens: 0 };
  const lines = memories.map((m, i) => memoryLine(m, heldCount + i + 1));
  const [header = 0, ...sizes] = await model.countTokens([MEMORY_BLOCK_HEADER, ...lines]);
  let tokens = header;
  let count = 0;
  while (count < lines.length && tokens + sizes[count]! <= room) tokens += sizes[count++]!;
  if (count === 0) return { messages: [], count: 0, tokens: 0 };
  return { messages: [{ role: 'system', content: memoryBlock(lines.slice(0, count)) }], count, tokens };
}

/**
 * The token ids of the conversation after an activation's prefix, dropping the oldest turns until
 * prefix + prompt + answer fit the context; undefined when the template cannot follow a prefix.
 * @throws {MemosError} CONTEXT_OVERFLOW when even the last message does not fit
 */
async function fitAfterPrefix(
  model: LanguageModel,
  item: ActivationItem,
  messages: ChatParams['messages'],
  prefixLength: number,
  maxTokens: number,
): Promise<{ ids: number[]; dropped: number } | undefined> {
  const system = messages.filter((m) => m.role === 'system');
  const turns = messages.filter((m) => m.role !== 'system');
  for (let dropped = 0; dropped < turns.length; dropped++) {
    const ids = await idsAfterPrefix(model, item, [...system, ...turns.slice(dropped)]);
    if (!ids) return undefined;
    if (prefixLength + ids.length + maxTokens <= model.info.contextLength) return { ids, dropped };
  }
  throw new MemosError('CONTEXT_OVERFLOW', 'The active KV prefix and the last message do not fit beside the answer budget.', {
    contextLength: model.info.contextLength,
    prefix: prefixLength,
  });
}
