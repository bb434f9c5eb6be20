/**
 * Plaintext memory as a service of MemOS: adding memories (redacted by the cube's policy, embedded,
 * stored with their audit entry in one transaction), reading them, every change of content or
 * lifecycle state as a new version, rollback, purge, and the TTL sweep.
 */
import type { CubePolicy, CubeRecord } from '../core/cube';
import { MemosError } from '../core/errors';
import { newId, type Clock } from '../core/ids';
import { checkMetadata, checkRelation, checkSourceRefs, checkText, LIMITS } from '../core/limits';
import { LIFECYCLE_STATES, LIVE_STATES, transition, type LifecycleState } from '../core/lifecycle';
import {
  contentOf,
  diffContent,
  firstVersionOf,
  type ChangeAction,
  type MemoryContent,
  type MemoryItem,
  type MemoryVersion,
} from '../core/memory-item';
import type { AuditAction } from '../core/audit';
import { canSeeMemory } from '../governance/access';
import { applyRedaction, DEFAULT_REDACTION } from '../governance/redaction';
import { readConversation } from '../memory/fast-reader';
import type { VectorMemory } from '../memory/vector-memory';
import type { AddParams, CallOptions, GetAllParams, MemoryInput, MemoryPatch, MemoryRef, Page, UpdateParams } from '../protocol/memory-types';
import type { AnyWriteTx } from '../storage/store';
import type { Store } from '../storage/store';
import { appendAudit, SCHEDULER_ACTOR } from './audit-log';
import { checkPolicy, cubeWithAccess } from './directory';
import { MEMORY_STORES, removeMemory, storeChangedMemory, storeNewMemories, type MemoryTx } from './memory-writes';
import { checkAborted, intInRange, LISTS, numberInRange, oneOf, optionalListOf, optionalReason, optionalReference, optionalTags, requireId, requireKey, requireObject } from './validate';

/** What plaintext memory needs of MemOS. */
export interface PlaintextMemoryDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** The current embedder's vectors, if any. */
  vectors(): VectorMemory | undefined;
  /** The previous embedder's vectors while the current one catches up, if any. */
  previous(): VectorMemory | undefined;
  /** Called after memories were added (for the fine reader and consolidation at idle time). */
  added(userId: string, cubeId: string, items: readonly MemoryItem[], fromMessages: boolean): void;
}

/** The parts of a relation, redacted like the text. */
const RELATION_PARTS = ['subject', 'predicate', 'object'] as const;

/** Plaintext memories: writes, reads, versions and lifecycle (see MemoryApi.add and those after it). */
export class PlaintextMemory {
  readonly #deps: PlaintextMemoryDeps;
  /** Cube policies as last read (checked again inside every write that depends on them). */
  readonly #policies = new Map<string, CubePolicy | undefined>();

  constructor(deps: PlaintextMemoryDeps) {
    this.#deps = deps;
  }

  /** See MemoryApi.add. */
  async add(params: AddParams, options: CallOptions = {}): Promise<MemoryItem[]> {
    try {
      return await this.#add(params, options);
    } catch (error) {
      // The cached policy was stale (another tab changed it): once more, with the policy now known.
      if (error instanceof MemosError && error.code === 'VERSION_CONFLICT' && error.details?.['policyChanged'] === true) return this.#add(params, options);
      throw error;
    }
  }

  async #add(params: AddParams, options: CallOptions): Promise<MemoryItem[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const sessionId = optionalReference(params.sessionId, 'sessionId');
    const now = this.#deps.clock();
    const inputs: MemoryInput[] = [];
    const given = [params.messages, params.memory, params.memories].filter((v) => v !== undefined).length;
    if (given !== 1) throw new MemosError('INVALID_INPUT', 'Give exactly one of messages, memory or memories.', { field: 'messages' });
    if (params.reader !== undefined) requireObject(params.reader, 'reader');
    if (params.defaults !== undefined) requireObject(params.defaults, 'defaults');
    if (params.messages !== undefined) {
      const defaults = params.defaults ?? {};
      for (const draft of readConversation(params.messages, sessionId, params.reader)) {
        inputs.push({
          source: 'conversation',
          ...defaults,
          text: draft.text,
          sourceRefs: draft.sourceRefs,
          ...(draft.semanticType && { semanticType: draft.semanticType, memoryType: 'user' as const }),
          ...(draft.source && { source: draft.source }),
        });
      }
    } else if (params.memory !== undefined) {
      requireObject(params.memory, 'memory');
      inputs.push(params.memory);
    } else if (params.memories !== undefined) {
      if (!Array.isArray(params.memories)) throw new MemosError('INVALID_INPUT', 'memories must be an array.', { field: 'memories' });
      if (params.memories.length > LIMITS.itemsPerCall) throw new MemosError('INVALID_INPUT', `memories may hold at most ${LIMITS.itemsPerCall} memories; add them in batches.`, { field: 'memories' });
      // Array.from visits holes of a sparse array (as undefined), where forEach skips them.
      const listed = Array.from(params.memories as unknown[]);
      listed.forEach((m, i) => requireObject(m, `memories[${i}]`));
      inputs.push(...(listed as MemoryInput[]));
    }
    const { items, policy, redacted } = await this.draft(inputs, { userId, cubeId, sessionId, now }, (i) => (params.memory !== undefined ? 'memory' : `memories[${i}]`));
    checkAborted(options.signal);
    const vectors = (await this.#deps.vectors()?.embedIfReady(items, options.signal)) ?? [];
    await this.#deps.store.write(
      MEMORY_STORES,
      async (tx, changes) => {
        const cube = await cubeWithAccess(tx, cubeId, userId, 'write');
        this.checkPolicyUnchanged(cube, policy);
        // Version 1 is the memory itself until it first changes (firstVersionOf): not written here.
        await storeNewMemories(tx, changes, items);
        await this.#deps.vectors()?.write(tx, changes, vectors, { fresh: true });
        await appendAudit(tx, this.#deps.clock(), userId, 'memory.add', cubeId, items.map((m) => m.id), {
          count: items.length,
          ...(sessionId !== undefined && { sessionId }),
          ...(redacted > 0 && { redacted }),
        });
      },
      { signal: options.signal },
    );
    this.#deps.added(userId, cubeId, items, params.messages !== undefined);
    return items;
  }

  /**
   * Makes memory records of inputs for a cube: redacted by the cube's policy (before anything is
   * embedded or stored), checked field by field (`fieldOf(i)` names input i in errors). The policy comes
   * from a cache (read once per cube); the write that stores the records must call
   * {@link checkPolicyUnchanged} with the cube it read, so that if another tab changed the policy
   * meanwhile the call starts over with the new one instead of bypassing it.
   */
  async draft(
    inputs: readonly MemoryInput[],
    ctx: { userId: string; cubeId: string; sessionId: string | undefined; now: number },
    fieldOf: (index: number) => string,
  ): Promise<{ items: MemoryItem[]; policy: CubePolicy | undefined; redacted: number }> {
    const { cubeId } = ctx;
    const policy = this.#policies.has(cubeId)
      ? this.#policies.get(cubeId)
      : await this.#deps.store.read(['cubes'], async (tx) => (await tx.objectStore('cubes').get(cubeId))?.policy);
    this.#policies.set(cubeId, policy);
    let redacted = 0;
    const items = inputs.map((input, i) => {
      const { redacted: count, ...rest } = this.#redacted(input, policy);
      redacted += count;
      return this.#newMemory(rest as MemoryInput, fieldOf(i), ctx);
    });
    return { items, policy, redacted };
  }

  /**
   * Inside a write: fails with VERSION_CONFLICT (details.policyChanged) when the cube's policy is not
   * the one {@link draft} redacted with, and remembers the new one.
   */
  checkPolicyUnchanged(cube: CubeRecord, policy: CubePolicy | undefined): void {
    if (JSON.stringify(cube.policy) === JSON.stringify(policy)) return;
    this.#policies.set(cube.cubeId, cube.policy);
    throw new MemosError('VERSION_CONFLICT', "The cube's policy changed during the add; add again.", { cubeId: cube.cubeId, policyChanged: true });
  }

  #newMemory(input: MemoryInput, field: string, ctx: { userId: string; cubeId: string; sessionId: string | undefined; now: number }): MemoryItem {
    requireObject(input, field);
    const text = checkText(input.text, `${field}.text`);
    const ttlMs = input.ttlMs === undefined ? undefined : numberInRange(input.ttlMs, `${field}.ttlMs`, 1, Number.MAX_SAFE_INTEGER, 0);
    const expiresAt = ttlMs !== undefined ? Math.min(ctx.now + ttlMs, Number.MAX_SAFE_INTEGER) : this.#expiresAt(input.expiresAt, `${field}.expiresAt`);
    const sourceRefs = checkSourceRefs(input.sourceRefs ?? (ctx.sessionId !== undefined ? [{ sessionId: ctx.sessionId }] : []), `${field}.sourceRefs`);
    return {
      id: newId('mem'),
      cubeId: ctx.cubeId,
      ownerId: ctx.userId,
      text,
      key: input.key === undefined || input.key === null ? null : requireKey(input.key, `${field}.key`),
      semanticType: oneOf(input.semanticType, `${field}.semanticType`, LISTS.SEMANTIC_TYPES, 'other'),
      memoryType: oneOf(input.memoryType, `${field}.memoryType`, LISTS.MEMORY_TYPES, 'long-term'),
      tags: optionalTags(input.tags, `${field}.tags`) ?? [],
      visibility: oneOf(input.visibility, `${field}.visibility`, LISTS.VISIBILITIES, 'shared'),
      expiresAt,
      priority: numberInRange(input.priority, `${field}.priority`, 0, 10, 5),
      sensitivity: optionalTags(input.sensitivity, `${field}.sensitivity`) ?? [],
      state: 'generated',
      createdAt: ctx.now,
      updatedAt: ctx.now,
      source: oneOf(input.source, `${field}.source`, LISTS.MEMORY_SOURCES, 'user'),
      sourceRefs,
      usage: { accessCount: 0, lastAccessAt: null, hits: [] },
      version: 1,
      stateBefore: null,
      ...(typeof input.validFrom === 'number' && Number.isFinite(input.validFrom) && { validFrom: input.validFrom }),
      ...(input.validTo !== undefined && { validTo: this.#validTo(input, field) }),
      ...(input.metadata !== undefined && { metadata: checkMetadata(input.metadata, `${field}.metadata`) }),
      ...(input.relation !== undefined && input.relation !== null && { relation: checkRelation(input.relation, `${field}.relation`) }),
    };
  }

  #validTo(input: MemoryInput, field: string): number {
    const validTo = intInRange(input.validTo, `${field}.validTo`, 0, Number.MAX_SAFE_INTEGER, 0);
    if (typeof input.validFrom === 'number' && validTo <= input.validFrom) {
      throw new MemosError('INVALID_INPUT', `${field}.validTo must be after validFrom.`, { field: `${field}.validTo` });
    }
    return validTo;
  }

  #expiresAt(value: unknown, field: string): number | null {
    if (value === undefined || value === null) return null;
    return intInRange(value, field, 0, Number.MAX_SAFE_INTEGER, 0);
  }

  /** See MemoryApi.setCubePolicy. */
  async setCubePolicy(params: { userId: string; cubeId: string; policy: CubePolicy }): Promise<CubeRecord> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const policy = checkPolicy(params.policy);
    return this.#deps.store.write(['cubes', 'audit'], async (tx, changes) => {
      const cube = await cubeWithAccess(tx, cubeId, userId, 'owner');
      const updated: CubeRecord = { ...cube, policy };
      await tx.objectStore('cubes').put(updated);
      this.#policies.set(cubeId, policy);
      await appendAudit(tx, this.#deps.clock(), userId, 'cube.policy', cubeId, [], { redaction: policy.redaction, ...(policy.language !== undefined && { language: policy.language }) });
      changes.cubeIds.add(cubeId);
      return updated;
    });
  }

  /** A memory input with the cube's redaction applied to its text and its sensitivity labels. */
  #redacted<T extends { text?: unknown; sensitivity?: readonly string[] | undefined; relation?: unknown }>(input: T, policy: CubePolicy | undefined): T & { redacted: number } {
    const rules = policy?.redaction ?? DEFAULT_REDACTION;
    const text = typeof input.text === 'string' ? applyRedaction(input.text, rules) : undefined;
    // A relation's parts are redacted by the same rules as the text they come from.
    const relation = typeof input.relation === 'object' && input.relation !== null ? (input.relation as Record<string, unknown>) : undefined;
    const parts = RELATION_PARTS.flatMap((part) => (typeof relation?.[part] === 'string' ? [{ part, result: applyRedaction(relation[part], rules) }] : []));
    const found = [...(text ? [text] : []), ...parts.map((p) => p.result)];
    const kinds = found.flatMap((r) => r.kinds);
    if (kinds.length === 0) return { ...input, redacted: 0 };
    const sensitivity = [...new Set([...(Array.isArray(input.sensitivity) ? input.sensitivity : []), ...kinds])];
    const changedParts = parts.filter((p) => p.result.kinds.length > 0);
    return {
      ...input,
      ...(text && { text: text.text }),
      sensitivity,
      ...(changedParts.length > 0 && { relation: { ...relation, ...Object.fromEntries(changedParts.map((p) => [p.part, p.result.text])) } }),
      redacted: found.reduce((n, r) => n + r.redacted, 0),
    };
  }

  /** See MemoryApi.sweepExpired. */
  async sweepExpired(): Promise<{ expired: number }> {
    const now = this.#deps.clock();
    const due = await this.#deps.store.read(['memories'], (tx) => tx.objectStore('memories').index('byExpires').getAll(IDBKeyRange.upperBound(now)));
    const candidates = due.filter((m) => LIVE_STATES.includes(m.state)).map((m) => m.id);
    let expired = 0;
    for (let i = 0; i < candidates.length; i += 200) {
      const batch = candidates.slice(i, i + 200);
      const changed = await this.#deps.store.write(MEMORY_STORES, async (tx, changes) => {
        const done: MemoryItem[] = [];
        for (const id of batch) {
          const memory = await tx.objectStore('memories').get(id);
          // Re-checked in the write: it may have been edited, frozen or restored since.
          if (!memory || !LIVE_STATES.includes(memory.state) || memory.expiresAt === null || memory.expiresAt > now) continue;
          const item: MemoryItem = { ...memory, state: transition(memory.state, 'expired') as LifecycleState, stateBefore: memory.state, updatedAt: now, version: memory.version + 1 };
          const changed = [{ field: 'state' as const, from: memory.state, to: 'expired' }];
          await storeChangedMemory(tx, changes, memory, item, { by: SCHEDULER_ACTOR, action: 'expire', reason: 'its time to live ran out', changes: changed, stale: `memory ${id} expired` });
          done.push(item);
        }
        for (const cubeId of new Set(done.map((m) => m.cubeId))) {
          const ids = done.filter((m) => m.cubeId === cubeId).map((m) => m.id);
          await appendAudit(tx, this.#deps.clock(), SCHEDULER_ACTOR, 'memory.expire', cubeId, ids, { count: ids.length });
        }
        return done;
      });
      expired += changed.length;
    }
    return { expired };
  }

  /** See MemoryApi.get. */
  async get(params: { userId: string; memoryId: string }): Promise<MemoryItem> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const memoryId = requireId(params.memoryId, 'memoryId');
    return this.#deps.store.read(['cubes', 'memories'], async (tx) => {
      const memory = await tx.objectStore('memories').get(memoryId);
      if (!memory) throw new MemosError('MEMORY_NOT_FOUND', undefined, { memoryId });
      const cube = await cubeWithAccess(tx, memory.cubeId, userId, 'read');
      if (!canSeeMemory(cube, memory, userId)) throw new MemosError('MEMORY_NOT_FOUND', undefined, { memoryId });
      return memory;
    });
  }

  /** See MemoryApi.getAll. */
  async getAll(params: GetAllParams, options: CallOptions = {}): Promise<Page<MemoryItem>> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const offset = intInRange(params.offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
    const limit = intInRange(params.limit, 'limit', 1, 1000, 100);
    const listed = optionalListOf(params.states, 'states', LIFECYCLE_STATES);
    const states = listed ? new Set(listed) : undefined;
    return this.#deps.store.read(['cubes', 'memories'], async (tx) => {
      const cube = await cubeWithAccess(tx, cubeId, userId, 'read');
      const range = IDBKeyRange.bound([cubeId, 0], [cubeId, Number.MAX_SAFE_INTEGER]);
      const items: MemoryItem[] = [];
      let total = 0;
      let cursor = await tx.objectStore('memories').index('byCubeCreated').openCursor(range);
      while (cursor) {
        checkAborted(options.signal);
        const memory = cursor.value;
        if ((!states || states.has(memory.state)) && canSeeMemory(cube, memory, userId)) {
          if (total >= offset && items.length < limit) items.push(memory);
          total++;
        }
        cursor = await cursor.continue();
      }
      return { items, total, nextOffset: offset + items.length < total ? offset + items.length : null };
    });
  }

  /** See MemoryApi.update. */
  async update(params: UpdateParams): Promise<MemoryItem> {
    requireObject(params, 'params');
    requireObject(params.patch, 'patch');
    const reason = optionalReason(params.reason, 'reason') ?? null;
    const patch = params.patch;
    if ('state' in patch) throw new MemosError('INVALID_INPUT', 'State changes have their own calls (delete, restore, freeze…).', { field: 'patch.state' });
    return this.#changeMemory(params, 'update', 'memory.update', async (memory, now, tx) => {
      if (params.expectedVersion !== undefined && params.expectedVersion !== memory.version) {
        throw new MemosError('VERSION_CONFLICT', undefined, { memoryId: memory.id, expected: params.expectedVersion, actual: memory.version });
      }
      if (memory.state === 'frozen') throw new MemosError('MEMORY_FROZEN', undefined, { memoryId: memory.id });
      if (!LIVE_STATES.includes(memory.state)) {
        throw new MemosError('ILLEGAL_TRANSITION', `A ${memory.state} memory cannot be edited; restore it first.`, { memoryId: memory.id, from: memory.state });
      }
      const cube = await tx.objectStore('cubes').get(memory.cubeId);
      const { redacted: _count, ...cleaned } = this.#redacted({ ...patch, sensitivity: patch.sensitivity ?? memory.sensitivity }, cube?.policy);
      return this.#applyPatch(memory, patch.text === undefined && !patch.relation ? patch : (cleaned as MemoryPatch), now);
    }, reason);
  }

  #applyPatch(memory: MemoryItem, patch: MemoryPatch, now: number): MemoryContent {
    const draft = this.#newMemory(
      {
        text: patch.text ?? memory.text,
        key: patch.key !== undefined ? patch.key : memory.key,
        semanticType: patch.semanticType ?? memory.semanticType,
        memoryType: patch.memoryType ?? memory.memoryType,
        tags: patch.tags ?? memory.tags,
        visibility: patch.visibility ?? memory.visibility,
        expiresAt: patch.expiresAt !== undefined ? patch.expiresAt : memory.expiresAt,
        priority: patch.priority ?? memory.priority,
        sensitivity: patch.sensitivity ?? memory.sensitivity,
        ...((patch.metadata ?? memory.metadata) !== undefined && { metadata: patch.metadata ?? memory.metadata }),
        ...(patch.relation !== null && (patch.relation ?? memory.relation) !== undefined && { relation: patch.relation ?? memory.relation }),
      },
      'patch',
      { userId: memory.ownerId, cubeId: memory.cubeId, sessionId: undefined, now },
    );
    return { ...contentOf(draft), state: memory.state };
  }

  /** See MemoryApi.delete. */
  async delete(params: MemoryRef): Promise<MemoryItem> {
    return this.#moveState(params, 'archived', 'archive', 'memory.archive');
  }

  /** See MemoryApi.restore. */
  async restore(params: MemoryRef): Promise<MemoryItem> {
    return this.#moveState(params, 'previous', 'restore', 'memory.restore', 'archived');
  }

  /** See MemoryApi.freeze. */
  async freeze(params: MemoryRef): Promise<MemoryItem> {
    return this.#moveState(params, 'frozen', 'freeze', 'memory.freeze');
  }

  /** See MemoryApi.unfreeze. */
  async unfreeze(params: MemoryRef): Promise<MemoryItem> {
    return this.#moveState(params, 'previous', 'unfreeze', 'memory.unfreeze', 'frozen');
  }

  async #moveState(
    params: MemoryRef,
    target: LifecycleState | 'previous',
    action: ChangeAction,
    auditAction: AuditAction,
    requiredFrom?: LifecycleState,
  ): Promise<MemoryItem> {
    requireObject(params, 'params');
    const reason = optionalReason(params.reason, 'reason') ?? null;
    return this.#changeMemory(params, action, auditAction, (memory) => {
      if (requiredFrom && memory.state !== requiredFrom) {
        throw new MemosError('ILLEGAL_TRANSITION', `The memory is ${memory.state}, not ${requiredFrom}.`, { from: memory.state, to: target });
      }
      const to = target === 'previous' ? (memory.stateBefore ?? 'activated') : target;
      transition(memory.state, to);
      return { ...contentOf(memory), state: to };
    }, reason);
  }

  /** See MemoryApi.rollback. */
  async rollback(params: MemoryRef & { version: number }): Promise<MemoryItem> {
    requireObject(params, 'params');
    const version = intInRange(params.version, 'version', 1, Number.MAX_SAFE_INTEGER, 1);
    const reason = optionalReason(params.reason, 'reason') ?? `rollback to version ${version}`;
    return this.#changeMemory(params, 'rollback', 'memory.rollback', async (memory, _now, tx) => {
      if (memory.state === 'frozen') throw new MemosError('MEMORY_FROZEN', undefined, { memoryId: memory.id });
      if (!LIVE_STATES.includes(memory.state)) {
        throw new MemosError('ILLEGAL_TRANSITION', `A ${memory.state} memory cannot be rolled back; restore it first.`, { from: memory.state });
      }
      const old = (await tx.objectStore('versions').get([memory.id, version])) ?? (version === 1 && memory.version === 1 ? firstVersionOf(memory) : undefined);
      if (!old) throw new MemosError('VERSION_NOT_FOUND', undefined, { memoryId: memory.id, version });
      return { ...contentOf(old.snapshot), state: memory.state };
    }, reason);
  }

  /**
   * Runs one change of one memory in a transaction: access check, new content, new version, audit.
   * `next` returns the new content; if nothing changed, no version is written.
   */
  async #changeMemory(
    params: { userId: string; memoryId: string },
    action: ChangeAction,
    auditAction: AuditAction,
    next: (memory: MemoryItem, now: number, tx: MemoryTx) => MemoryContent | Promise<MemoryContent>,
    reason: string | null,
  ): Promise<MemoryItem> {
    const userId = requireId(params.userId, 'userId');
    const memoryId = requireId(params.memoryId, 'memoryId');
    const now = this.#deps.clock();
    let textChanged = false;
    const updated = await this.#deps.store.write(MEMORY_STORES, async (tx, changes) => {
      const memory = await this.#memoryIn(tx, memoryId);
      const cube = await cubeWithAccess(tx, memory.cubeId, userId, 'write');
      if (!canSeeMemory(cube, memory, userId)) throw new MemosError('MEMORY_NOT_FOUND', undefined, { memoryId });
      const content = await next(memory, now, tx);
      const diff = diffContent(contentOf(memory), content);
      if (diff.length === 0) return memory;
      textChanged = diff.some((c) => c.field === 'text' || c.field === 'key');
      const movedOutOfLive = LIVE_STATES.includes(memory.state) && !LIVE_STATES.includes(content.state);
      const stateBefore = movedOutOfLive ? memory.state : LIVE_STATES.includes(content.state) ? null : memory.stateBefore;
      // Optional content fields the new content lacks are gone (a relation removed, a rollback to before metadata).
      const { metadata: _metadata, relation: _relation, ...header } = memory;
      const item: MemoryItem = { ...header, ...content, updatedAt: now, version: memory.version + 1, stateBefore };
      // KV caches built from this memory no longer say what it says (or it left the live states).
      const stale = textChanged ? `memory ${item.id} changed` : movedOutOfLive ? `memory ${item.id} is ${item.state}` : undefined;
      await storeChangedMemory(tx, changes, memory, item, { by: userId, action, reason, changes: diff, stale });
      await appendAudit(tx, this.#deps.clock(), userId, auditAction, item.cubeId, [item.id], { version: item.version, ...(reason !== null && { reason }) });
      return item;
    });
    if (textChanged) {
      // The old model's vector no longer matches the text: it stops serving this memory.
      this.#deps.previous()?.forget([updated.id]);
      await this.#deps.vectors()?.refresh(updated);
    }
    return updated;
  }

  /** See MemoryApi.purge. */
  async purge(params: MemoryRef): Promise<void> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const memoryId = requireId(params.memoryId, 'memoryId');
    const reason = optionalReason(params.reason, 'reason');
    await this.#deps.store.write(MEMORY_STORES, async (tx, changes) => {
      const memory = await this.#memoryIn(tx, memoryId);
      const cube = await cubeWithAccess(tx, memory.cubeId, userId, 'write');
      if (!canSeeMemory(cube, memory, userId)) throw new MemosError('MEMORY_NOT_FOUND', undefined, { memoryId });
      if (memory.state === 'frozen') throw new MemosError('MEMORY_FROZEN', undefined, { memoryId });
      transition(memory.state, 'purged');
      await removeMemory(tx, changes, memory, this.#deps.clock());
      await appendAudit(tx, this.#deps.clock(), userId, 'memory.purge', memory.cubeId, [memoryId], { versions: memory.version, ...(reason !== undefined && { reason }) });
    });
  }

  /** See MemoryApi.history. */
  async history(params: { userId: string; memoryId: string }): Promise<MemoryVersion[]> {
    const memory = await this.get(params);
    const versions = await this.#deps.store.read(['versions'], (tx) =>
      tx.objectStore('versions').getAll(IDBKeyRange.bound([memory.id, 0], [memory.id, Number.MAX_SAFE_INTEGER])),
    );
    return versions.length === 0 && memory.version === 1 ? [firstVersionOf(memory)] : versions;
  }

  async #memoryIn(tx: AnyWriteTx, memoryId: string): Promise<MemoryItem> {
    const memory = await tx.objectStore('memories').get(memoryId);
    if (!memory) throw new MemosError('MEMORY_NOT_FOUND', undefined, { memoryId });
    return memory;
  }
}
