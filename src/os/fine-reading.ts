/**
 * The fine MemReader as a service of MemOS: consent, extraction with a loaded model, proposals that
 * wait for the user, and the scheduler's "fine-read" job. Without a model the fast reader keeps working.
 */
import type { UserRecord } from '../core/cube';
import { MemosError } from '../core/errors';
import type { Clock } from '../core/ids';
import type { JobRecord } from '../core/job';
import type { MemoryItem } from '../core/memory-item';
import { readFine, type ReaderTurn } from '../memory/fine-reader';
import type { LanguageModel } from '../protocol/language-model';
import type { AddParams, CallOptions, ExtractedMemory, ExtractParams } from '../protocol/memory-types';
import type { MemScheduler } from '../scheduler/scheduler';
import type { Store } from '../storage/store';
import { appendAudit } from './audit-log';
import { userIn } from './directory';
import { idList, intInRange, oneOf, requireId, requireObject } from './validate';

/** What the fine reader needs of MemOS. */
export interface FineReadingDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** The scheduler, once it exists (it is made after the services). */
  queue(): MemScheduler;
  model(): Promise<LanguageModel | undefined>;
  get(params: { userId: string; memoryId: string }): Promise<MemoryItem>;
  getUser(userId: string): Promise<UserRecord>;
  add(params: AddParams): Promise<MemoryItem[]>;
}

/** A stored memory as a turn for the fine reader. */
function readerTurn(memory: MemoryItem): ReaderTurn {
  const ref = memory.sourceRefs[0] ?? {};
  return { speaker: ref.speaker ?? 'user', text: memory.text, at: ref.spokenAt ?? memory.createdAt, ref };
}

/** Consent, extraction and proposals (see MemoryApi.setConsent, extract, acceptProposals). */
export class FineReading {
  readonly #deps: FineReadingDeps;

  constructor(deps: FineReadingDeps) {
    this.#deps = deps;
  }

  /** Sets whether a loaded model may read this user's conversations (see MemoryApi.setConsent). */
  async setConsent(params: { userId: string; mode: 'auto' | 'ask' | 'manual' }): Promise<UserRecord> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const mode = oneOf(params.mode, 'mode', ['auto', 'ask', 'manual'] as const, 'ask');
    return this.#deps.store.write(['users', 'audit'], async (tx, changes) => {
      const user = await userIn(tx, userId);
      const updated: UserRecord = { ...user, consent: mode };
      await tx.objectStore('users').put(updated);
      await appendAudit(tx, this.#deps.clock(), userId, 'user.consent', null, [], { mode });
      changes.userIds.add(userId);
      return updated;
    });
  }

  /** Runs the fine reader on chosen memories (see MemoryApi.extract). */
  async extract(
    params: ExtractParams,
    options: CallOptions = {},
  ): Promise<{ proposals: ExtractedMemory[]; stored: MemoryItem[] }> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const ids = idList(params.memoryIds, 'memoryIds') ?? [];
    const model = await this.#deps.model();
    if (!model) throw new MemosError('MODEL_NOT_LOADED', 'The fine reader needs a loaded model; the fast reader keeps working without one.');
    const sources = await Promise.all(ids.map((memoryId) => this.#deps.get({ userId, memoryId })));
    const proposals = await readFine(model, sources.map(readerTurn), {
      ...(options.signal && { signal: options.signal }),
      ...(params.atLeastOne === true && { atLeastOne: true }),
      maxTokens: intInRange(params.maxTokens, 'maxTokens', 1, 100_000, 1200),
    });
    const stored = params.store === false || proposals.length === 0 ? [] : await this.#storeExtracted(userId, cubeId, proposals);
    return { proposals, stored };
  }

  /** Stores proposals a fine-read job made (see MemoryApi.acceptProposals). */
  async acceptProposals(params: { userId: string; jobId: string; indexes?: readonly number[] }): Promise<MemoryItem[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const job = await this.#deps.queue().queue.get(requireId(params.jobId, 'jobId'));
    const result = job?.result as { userId?: string; cubeId?: string; proposals?: ExtractedMemory[] } | undefined;
    if (!job || job.kind !== 'fine-read' || result?.userId !== userId || !result.proposals || !result.cubeId) {
      throw new MemosError('INVALID_INPUT', 'No proposals of this user in that job.', { field: 'jobId' });
    }
    const chosen = params.indexes ? result.proposals.filter((_, i) => params.indexes?.includes(i)) : result.proposals;
    const stored = chosen.length > 0 ? await this.#storeExtracted(userId, result.cubeId, chosen) : [];
    await this.#deps.queue().queue.settle(job.id, `${stored.length} of ${result.proposals.length} proposals accepted`, { ...result, proposals: [] });
    return stored;
  }

  #storeExtracted(userId: string, cubeId: string, proposals: readonly ExtractedMemory[]): Promise<MemoryItem[]> {
    return this.#deps.add({
      userId,
      cubeId,
      memories: proposals.map((p) => ({
        key: p.key,
        text: p.text,
        semanticType: p.semanticType,
        memoryType: p.memoryType,
        tags: p.tags,
        source: 'extracted' as const,
        sourceRefs: p.sourceRefs,
        ...(p.validFrom !== undefined && { validFrom: p.validFrom }),
        ...(p.validTo !== undefined && { validTo: p.validTo }),
        ...(p.relation !== undefined && { relation: p.relation }),
      })),
    });
  }

  /** Queues the fine reader for new turns when a model is loaded and the user did not say "manual". */
  async offer(userId: string, cubeId: string, items: readonly MemoryItem[]): Promise<void> {
    const user = await this.#deps.getUser(userId);
    if ((user.consent ?? 'ask') === 'manual' || !(await this.#deps.model())) return;
    await this.#deps.queue().enqueue({ kind: 'fine-read', priority: 'organise', needsIdle: true, payload: { userId, cubeId, memoryIds: items.map((m) => m.id) } });
  }

  async job(job: JobRecord, signal: AbortSignal): Promise<string | { summary: string; result: unknown }> {
    const userId = String(job.payload['userId']);
    const cubeId = String(job.payload['cubeId']);
    const memoryIds = (job.payload['memoryIds'] as string[] | undefined) ?? [];
    const consent = (await this.#deps.getUser(userId)).consent ?? 'ask';
    if (consent === 'manual') return 'the user chose manual extraction: skipped';
    const { proposals } = await this.extract({ userId, cubeId, memoryIds, store: false }, { signal });
    if (consent === 'auto') return `${(proposals.length > 0 ? await this.#storeExtracted(userId, cubeId, proposals) : []).length} memories extracted`;
    return { summary: `${proposals.length} proposals await the user`, result: { userId, cubeId, proposals } };
  }
}
