/**
 * Consolidation of one cube: near-duplicates merged into one memory (the originals archived with
 * lineage), facts with the same key superseded by newer ones, and — with a chat model loaded — a
 * bounded number of related pairs judged for contradiction (relations with the same subject and
 * predicate but another object first). Every step is its own transaction that
 * re-checks the memories it read, so a concurrent edit wins and the step is skipped.
 */
import type { Clock } from '../core/ids';
import { newId } from '../core/ids';
import { LIVE_STATES } from '../core/lifecycle';
import type { MemoryItem } from '../core/memory-item';
import type { LanguageModel } from '../protocol/language-model';
import { PLAIN_CHAT_TEMPLATE_VERSION } from '../protocol/language-model';
import {
  CONTRADICTION_SCHEMA,
  contradictionCandidates,
  contradictionQuestion,
  duplicateGroups,
  mergedContent,
  relationConflicts,
  supersessions,
  type Supersession,
} from '../memory/consolidation';
import type { VectorMemory } from '../memory/vector-memory';
import type { MemoryIndex } from '../search/memory-index';
import type { Store } from '../storage/store';
import { appendAudit } from './audit-log';
import { MEMORY_STORES, storeChangedMemory, storeNewMemories, versionRecord } from './memory-writes';

/** What consolidation works with (MemOS's store, index and models). */
export interface ConsolidatorDeps {
  readonly store: Store;
  readonly index: MemoryIndex;
  readonly clock: Clock;
  /** The current embedder's vectors (new memories get theirs here). */
  readonly vectors: () => VectorMemory | undefined;
  /** The vectors search uses now (near-duplicates are found with these). */
  readonly serving: () => VectorMemory | undefined;
  /** The loaded language model, if any. */
  readonly model: () => Promise<LanguageModel | undefined>;
}

/** Consolidates cubes (see MemOS.consolidate). */
export class Consolidator {
  readonly #deps: ConsolidatorDeps;

  constructor(deps: ConsolidatorDeps) {
    this.#deps = deps;
  }

  /** Consolidates the `limit` newest live memories of a cube, acting as `actor`. */
  async run(cubeId: string, actor: string, limit: number): Promise<{ merged: number; archived: number; superseded: number }> {
    const all = await this.#deps.store.read(['memories'], (tx) => tx.objectStore('memories').index('byCube').getAll(cubeId));
    // A document's chunks are its text as read: never merged with each other or with other memories.
    const live = all.filter((m) => LIVE_STATES.includes(m.state) && m.source !== 'document').sort((a, b) => b.createdAt - a.createdAt);
    const recent = live.slice(0, limit);
    const scope = [{ cubeId }];
    const allow = this.#deps.index.matcher(scope, {});
    const vectors = this.#deps.serving();
    const groups = duplicateGroups(
      recent,
      (m) => [
        ...this.#deps.index.search(m.text, scope, {}, 6).map((h) => h.id),
        ...(vectors ? vectors.search(vectors.vectorOf(m.id), 6, allow).map((h) => h.id) : []),
      ],
      (id) => vectors?.vectorOf(id),
    );
    let merged = 0;
    let archived = 0;
    for (const group of groups) {
      const done = await this.#mergeGroup(group, actor);
      if (done) {
        merged++;
        archived += group.length;
      }
    }
    let superseded = 0;
    const current = await this.#deps.store.read(['memories'], (tx) => tx.objectStore('memories').index('byCube').getAll(cubeId));
    for (const step of supersessions(current.filter((m) => LIVE_STATES.includes(m.state)))) {
      if (await this.#supersede(step, actor)) superseded++;
    }
    // Contradictions without a shared key: a loaded chat model judges a bounded number of related
    // pairs. Base models without a chat template (stories260K, synthetic) are not asked: their
    // answers would be noise, and noise here would archive true facts.
    const model = await this.#deps.model();
    if (model && model.info.templateVersion !== PLAIN_CHAT_TEMPLATE_VERSION) {
      const remaining = (await this.#deps.store.read(['memories'], (tx) => tx.objectStore('memories').index('byCube').getAll(cubeId)))
        .filter((m) => LIVE_STATES.includes(m.state))
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, limit);
      // Relations on the same subject and predicate with another object are asked about first.
      const pairs = new Map<string, [MemoryItem, MemoryItem]>();
      for (const pair of [
        ...relationConflicts(remaining, 12),
        ...contradictionCandidates(remaining, (m) => this.#deps.index.search(m.text, scope, {}, 4).map((h) => h.id), 12),
      ]) {
        pairs.set(`${pair[0].id}|${pair[1].id}`, pair);
      }
      for (const [older, newer] of pairs.values()) {
        if (await this.#contradicts(model, older, newer)) {
          if (await this.#supersede({ older, newer, at: newer.validFrom ?? Math.min(...newer.sourceRefs.map((r) => r.spokenAt ?? Infinity), newer.createdAt) }, actor)) superseded++;
        }
      }
    }
    return { merged, archived, superseded };
  }

  /** Merges a group in one transaction; false when a member changed meanwhile (nothing is written). */
  async #mergeGroup(group: readonly MemoryItem[], actor: string): Promise<boolean> {
    const now = this.#deps.clock();
    const item: MemoryItem = { ...mergedContent(group), id: newId('mem'), createdAt: now, updatedAt: now, version: 1, state: 'merged', stateBefore: null };
    const vectors = (await this.#deps.vectors()?.embed([item])) ?? [];
    const written = await this.#deps.store.write(MEMORY_STORES, async (tx, changes) => {
      const parents: MemoryItem[] = [];
      for (const member of group) {
        const current = await tx.objectStore('memories').get(member.id);
        if (!current || current.version !== member.version || !LIVE_STATES.includes(current.state)) return undefined;
        const parent: MemoryItem = { ...current, state: 'archived', stateBefore: current.state, updatedAt: now, version: current.version + 1 };
        const changed = [{ field: 'state' as const, from: current.state, to: 'archived' }];
        await storeChangedMemory(tx, changes, current, parent, { by: actor, action: 'merge', reason: `merged into ${item.id}`, changes: changed, stale: `memory merged into ${item.id}` });
        parents.push(parent);
      }
      await storeNewMemories(tx, changes, [item], [versionRecord(item, actor, 'merge', `merge of ${group.length} near-duplicates`, [])]);
      await this.#deps.vectors()?.write(tx, changes, vectors, { fresh: true });
      await appendAudit(tx, now, actor, 'memory.merge', item.cubeId, [item.id, ...group.map((m) => m.id)], { parents: group.length });
      return [item, ...parents];
    });
    return written !== undefined;
  }

  /** Asks the model whether a later statement contradicts an earlier one (false when it cannot tell). */
  async #contradicts(model: LanguageModel, older: MemoryItem, newer: MemoryItem): Promise<boolean> {
    try {
      const result = await model.generate({ messages: contradictionQuestion(older, newer) }, { jsonSchema: CONTRADICTION_SCHEMA, maxTokens: 16 });
      return (JSON.parse(result.text) as { contradicts?: unknown }).contradicts === true;
    } catch {
      return false;
    }
  }

  /** Archives a superseded fact with its validity end, in one transaction. */
  async #supersede(step: Supersession, actor: string): Promise<boolean> {
    const now = this.#deps.clock();
    const updated = await this.#deps.store.write(MEMORY_STORES, async (tx, changes) => {
      const older = await tx.objectStore('memories').get(step.older.id);
      const newer = await tx.objectStore('memories').get(step.newer.id);
      if (!older || !newer || older.version !== step.older.version || !LIVE_STATES.includes(older.state) || !LIVE_STATES.includes(newer.state)) return undefined;
      const item: MemoryItem = { ...older, state: 'archived', stateBefore: older.state, validTo: step.at, supersededBy: newer.id, updatedAt: now, version: older.version + 1 };
      const changed = [{ field: 'state' as const, from: older.state, to: 'archived' }];
      await storeChangedMemory(tx, changes, older, item, { by: actor, action: 'supersede', reason: `superseded by ${newer.id}`, changes: changed, stale: `memory ${older.id} was superseded` });
      await appendAudit(tx, now, actor, 'memory.supersede', item.cubeId, [item.id, newer.id], { validTo: step.at });
      return item;
    });
    return updated !== undefined;
  }
}
