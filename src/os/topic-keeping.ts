/**
 * Keeping each cube's topic tree (search/topic-tree.ts): built from the memories the index holds, their
 * vectors and their entity links the first time it is asked for; a memory written since joins its
 * nearest topic at once, and when enough of a cube has changed (a fifth, and at least 20 memories) a
 * rebuild is queued for idle time. The tree is derived and kept in memory only: a reload builds it again.
 */
import { textHash } from '../core/hash';
import { LIVE_STATES } from '../core/lifecycle';
import type { MemoryItem } from '../core/memory-item';
import type { VectorMemory } from '../memory/vector-memory';
import type { EntityGraph } from '../search/entity-graph';
import type { MemoryIndex } from '../search/memory-index';
import { assignToTree, buildTopicTree, type TopicInput, type TopicNode, type TopicSpace } from '../search/topic-tree';

/** What topic keeping needs of MemOS. */
export interface TopicKeepingDeps {
  readonly index: MemoryIndex;
  readonly graph: EntityGraph | undefined;
  serving(): VectorMemory | undefined;
  /** Queues a rebuild of a cube's tree for idle time. */
  queueRebuild(cubeId: string): void;
}

interface CubeTree {
  readonly tree: TopicNode[];
  readonly space: TopicSpace;
  /** The memories in the tree, with the hash of the text they were placed by. */
  readonly members: Map<string, string>;
  readonly built: number;
  /** Memories written since the build (new ones were assigned to a topic). */
  readonly changed: Set<string>;
  /** Whether a rebuild was queued. */
  queued: boolean;
}

/** Builds, extends and rebuilds topic trees per cube. */
export class TopicKeeper {
  readonly #deps: TopicKeepingDeps;
  readonly #trees = new Map<string, CubeTree>();

  constructor(deps: TopicKeepingDeps) {
    this.#deps = deps;
  }

  #input(memory: MemoryItem): TopicInput {
    // Dates say when, not what about: they do not shape topics.
    const keys = (this.#deps.graph?.entitiesOf(memory.id) ?? []).filter((l) => l.type !== 'date').map((l) => l.key);
    return { id: memory.id, vector: this.#deps.serving()?.vectorOf(memory.id), keys };
  }

  /** Builds a cube's tree now from what the index holds; returns how many topics and memories. */
  rebuild(cubeId: string): { topics: number; memories: number } {
    const memories: MemoryItem[] = [];
    for (const memory of this.#deps.index.records()) if (memory.cubeId === cubeId && LIVE_STATES.includes(memory.state)) memories.push(memory);
    const graph = this.#deps.graph;
    const { tree, space } = buildTopicTree(memories.map((m) => this.#input(m)), (key) => graph?.entity(cubeId, key)?.name ?? key);
    this.#trees.set(cubeId, { tree, space, members: new Map(memories.map((m) => [m.id, textHash(m.text)])), built: memories.length, changed: new Set(), queued: false });
    return { topics: tree.length, memories: memories.length };
  }

  /**
   * Notes memories as written: new ones join their nearest topic when the tree is next read. Only new
   * and edited memories count towards a rebuild — not a write of usage counts, whose text is the same.
   */
  noteWritten(memories: readonly MemoryItem[]): void {
    for (const memory of memories) {
      const held = this.#trees.get(memory.cubeId);
      if (!held || held.changed.has(memory.id) || held.members.get(memory.id) === textHash(memory.text)) continue;
      held.changed.add(memory.id);
      if (!held.queued && held.changed.size >= Math.max(20, held.built / 5)) {
        held.queued = true;
        this.#deps.queueRebuild(memory.cubeId);
      }
    }
  }

  /** Forgets every tree (the store was reset). */
  clear(): void {
    this.#trees.clear();
  }

  /** A cube's tree, built on first use; memories new since the build are put in their nearest topic. */
  tree(cubeId: string): TopicNode[] {
    if (!this.#trees.has(cubeId)) this.rebuild(cubeId);
    const held = this.#trees.get(cubeId)!;
    const fresh: TopicInput[] = [];
    for (const id of held.changed) {
      if (held.members.has(id)) continue;
      const memory = this.#deps.index.record(id);
      if (!memory) continue;
      fresh.push(this.#input(memory));
      held.members.set(id, textHash(memory.text));
    }
    assignToTree(held.tree, fresh, held.space);
    return held.tree;
  }
}
