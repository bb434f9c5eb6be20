/**
 * Keeping each cube's topic tree (search/topic-tree.ts): built from the memories the index holds, their
 * vectors and their entity links the first time it is asked for; a memory written since joins its
 * nearest topic at once, and when enough of a cube has changed (a fifth, and at least 20 memories) a
 * rebuild is queued for idle time. With a chat model loaded, each topic gets a short title it writes
 * (a job at idle time). The tree is derived and kept in memory only: a reload builds it again.
 */
import { textHash } from '../core/hash';
import { LIVE_STATES } from '../core/lifecycle';
import type { MemoryItem } from '../core/memory-item';
import type { VectorMemory } from '../memory/vector-memory';
import type { LanguageModel } from '../protocol/language-model';
import type { EntityGraph } from '../search/entity-graph';
import type { MemoryIndex } from '../search/memory-index';
import { assignToTree, buildTopicTree, topicNodes, type TopicInput, type TopicNode, type TopicSpace } from '../search/topic-tree';

/** What topic keeping needs of MemOS. */
export interface TopicKeepingDeps {
  readonly index: MemoryIndex;
  readonly graph: EntityGraph | undefined;
  serving(): VectorMemory | undefined;
  /** Queues a rebuild of a cube's tree for idle time. */
  queueRebuild(cubeId: string): void;
  /** Queues titles for a cube's untitled topics (a job that waits for a model). */
  queueTitles(cubeId: string): void;
  /** Whether the graph still has memories to read (a tree built now lacks their entities). */
  graphBehind(): boolean;
}

/**
 * What a title is kept by: the topic's label (its characteristic entities), or for a topic without
 * one, its most central memories.
 */
const titleKey = (node: TopicNode): string => (node.keys.length > 0 ? `k:${node.keys.join('\u0000')}` : `m:${node.memoryIds.slice(0, 3).join('\u0000')}`);

/** The schema a topic's title is asked under. */
export const TOPIC_TITLE_SCHEMA = {
  type: 'object',
  properties: { title: { type: 'string', minLength: 1, maxLength: 48 } },
  required: ['title'],
  additionalProperties: false,
} as const;

/** Asks the model for a title; undefined when its answer is no usable title. */
async function askTitle(model: LanguageModel, words: readonly string[], texts: readonly string[], signal?: AbortSignal): Promise<string | undefined> {
  const content = `${words.length === 0 ? '' : `Words the memories share: ${words.join(' · ')}\n`}Memories:\n${texts.map((t) => `- ${t}`).join('\n')}`;
  const result = await model.generate(
    {
      messages: [
        { role: 'system', content: 'Give a short title (two to five words) for what these memories of one person are about. Answer with JSON only.' },
        { role: 'user', content },
      ],
    },
    { jsonSchema: TOPIC_TITLE_SCHEMA, maxTokens: 40, ...(signal && { signal }) },
  );
  try {
    const title = (JSON.parse(result.text) as { title?: unknown }).title;
    const clean = typeof title === 'string' ? title.replace(/\p{Cc}/gu, ' ').replace(/\s+/g, ' ').trim() : '';
    return clean.length > 0 ? [...clean].slice(0, 48).join('') : undefined;
  } catch {
    return undefined;
  }
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
  /** Model-written titles per cube, by topic label (see titleKey). */
  readonly #titles = new Map<string, Map<string, string>>();

  constructor(deps: TopicKeepingDeps) {
    this.#deps = deps;
  }

  #input(memory: MemoryItem): TopicInput {
    // Dates say when, not what about: they do not shape topics.
    const keys = (this.#deps.graph?.entitiesOf(memory.id) ?? []).filter((l) => l.type !== 'date').map((l) => l.key);
    return { id: memory.id, vector: this.#deps.serving()?.vectorOf(memory.id), keys };
  }

  /** Builds a cube's tree now from what the index holds; returns how many topics and memories. */
  rebuild(cubeId: string, options: { /** Built by the scheduler's job, after the graph settled: never queued again. */ readonly settled?: boolean } = {}): { topics: number; memories: number } {
    const memories: MemoryItem[] = [];
    for (const memory of this.#deps.index.records()) if (memory.cubeId === cubeId && LIVE_STATES.includes(memory.state)) memories.push(memory);
    const graph = this.#deps.graph;
    const { tree, space } = buildTopicTree(memories.map((m) => this.#input(m)), (key) => graph?.entity(cubeId, key)?.name ?? key);
    // Built before the graph read every memory, the tree is built again once it has (the job waits for it).
    const behind = options.settled !== true && this.#deps.graphBehind();
    this.#trees.set(cubeId, { tree, space, members: new Map(memories.map((m) => [m.id, textHash(m.text)])), built: memories.length, changed: new Set(), queued: behind });
    if (behind) this.#deps.queueRebuild(cubeId);
    // Titles of topics that no longer exist are let go; new topics get theirs when a model is loaded.
    const labels = new Set(topicNodes(tree).map(titleKey));
    const titles = this.#titles.get(cubeId);
    for (const key of titles?.keys() ?? []) if (!labels.has(key)) titles?.delete(key);
    if ([...labels].some((key) => !titles?.has(key))) this.#deps.queueTitles(cubeId);
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
    this.#titles.clear();
  }

  /** A topic or subtopic of a cube's tree by its id (the tree is built if it was not). */
  node(cubeId: string, topicId: string): TopicNode | undefined {
    return topicNodes(this.tree(cubeId)).find((node) => node.topicId === topicId);
  }

  /**
   * The narrowest topic that holds most of these memories (a subtopic before its topic), if any holds
   * at least two of them: what a session keeps coming back to.
   */
  topicOf(cubeId: string, memoryIds: readonly string[]): TopicNode | undefined {
    let best: { node: TopicNode; held: number } | undefined;
    // Subtopics come after their topic: one holding as many wins.
    for (const node of topicNodes(this.tree(cubeId))) {
      const members = new Set(node.memoryIds);
      const held = memoryIds.filter((id) => members.has(id)).length;
      if (held >= 2 && (!best || held >= best.held)) best = { node, held };
    }
    return best?.node;
  }

  /** Queues titles for the topics still without one (after a job that wrote its share). */
  requeueTitles(cubeId: string): void {
    this.#deps.queueTitles(cubeId);
  }

  /** The title a model wrote for a topic, if one did (see {@link writeTitles}). */
  titleOf(cubeId: string, node: TopicNode): string | undefined {
    return this.#titles.get(cubeId)?.get(titleKey(node));
  }

  /**
   * Asks a chat model for a short title of each topic (and subtopic) that has none yet, biggest first,
   * at most `limit` of them; returns how many were written. A topic keeps its title across rebuilds
   * while its characteristic entities stay the same. Only memories every reader of the cube may see
   * (visibility "shared"), and entities they name, are shown to the model, so a title cannot tell a
   * private memory to others.
   */
  async writeTitles(cubeId: string, model: LanguageModel, limit: number, signal?: AbortSignal): Promise<{ written: number; left: number }> {
    const titles = this.#titles.get(cubeId) ?? new Map<string, string>();
    this.#titles.set(cubeId, titles);
    const untitled = topicNodes(this.tree(cubeId)).filter((n) => !titles.has(titleKey(n))).sort((a, b) => b.memoryIds.length - a.memoryIds.length);
    let written = 0;
    for (const node of untitled.slice(0, limit)) {
      if (signal?.aborted) break;
      const texts = node.memoryIds
        .map((id) => this.#deps.index.record(id))
        .filter((m): m is MemoryItem => m !== undefined && m.visibility === 'shared')
        .slice(0, 6)
        .map((m) => m.text.slice(0, 240));
      if (texts.length === 0) continue;
      // The topic's label may name what only private memories say: the model gets the characteristic
      // entities that a memory every reader may see names.
      const shared = (key: string) => this.#deps.graph?.entity(cubeId, key)?.memoryIds.some((id) => this.#deps.index.record(id)?.visibility === 'shared') ?? false;
      const words = node.keys.filter(shared).slice(0, 2).map((key) => this.#deps.graph?.entity(cubeId, key)?.name ?? key);
      const title = await askTitle(model, words, texts, signal);
      if (title !== undefined) {
        titles.set(titleKey(node), title);
        written++;
      }
    }
    return { written, left: Math.max(0, untitled.length - limit) };
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
