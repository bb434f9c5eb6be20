/**
 * The entity graph as recall reads it, in memory: which entities each memory names, which memories
 * name each entity, and the aliases that lead to an entity ("mel" → Melanie, "caroline's sister" →
 * Lucia). Filled from the links IndexedDB keeps (see os/graph-keeping.ts); answers without reads.
 * Entities are per cube: "Lucia" in two cubes is two entities. What people changed (a cube's entity
 * edits: merges, aliases, names, types) is applied when the graph is read, so undoing a merge needs no
 * re-reading: the nodes stay as the memories name them, and a merged entity answers as one.
 */
import { mergedKey, NO_ENTITY_EDITS, type EntityEdits } from '../core/entity-edits';
import { foldWord, rawWords } from '../core/words';
import type { EntityLink, EntityType } from '../protocol/graph-types';

/** A word and, for a plural, its singular guesses ("kids" → kid, "parties" → party, "boxes" → box). */
function forms(word: string): string[] {
  const out = [word];
  if (word.length > 3 && word.endsWith('ies')) out.push(`${word.slice(0, -3)}y`);
  else if (word.length > 3 && /(?:s|x|z|ch|sh)es$/.test(word)) out.push(word.slice(0, -2));
  if (word.length > 2 && word.endsWith('s') && !word.endsWith('ss')) out.push(word.slice(0, -1));
  return out;
}

/**
 * The keys a query may name, without a tagger (search stays fast and never loads one): its words and
 * runs of two and three words, a plural also as its singular, and "<name>'s <word>" for a possessive
 * such as "Caroline's sister". Only keys the graph holds count (see EntityGraph.walk).
 */
export function queryKeys(query: string): string[] {
  const keys = new Set<string>();
  const list = rawWords(query.replace(/['’]s\b/gu, '')).map(foldWord);
  for (let i = 0; i < list.length; i++) {
    for (let n = 1; n <= 3 && i + n <= list.length; n++) {
      const head = list.slice(i, i + n - 1);
      for (const last of forms(list[i + n - 1]!)) keys.add([...head, last].join(' '));
    }
  }
  for (const m of query.matchAll(/(\p{L}[\p{L}-]*)['’]s\s+(\p{L}+)/gu)) for (const last of forms(foldWord(m[2]!))) keys.add(`${foldWord(m[1]!)}'s ${last}`);
  return [...keys];
}

interface EntityNode {
  readonly cubeId: string;
  readonly key: string;
  name: string;
  type: EntityType;
  readonly memories: Set<string>;
  /** Mentions by type: the node's type is the one it is named as most. */
  readonly types: Map<EntityType, number>;
}

const nodeId = (cubeId: string, key: string) => `${cubeId}\u0000${key}`;

/**
 * An entity named by more than this share of a cube's memories (and at least 20), or by MAX_FANOUT
 * memories or more, leads nowhere: it is not specific, and following it would cost.
 */
const MAX_SHARE = 0.05;
const MAX_FANOUT = 200;

/** A memory reached through the graph, with the entities that led to it. */
export interface GraphHit {
  readonly id: string;
  readonly score: number;
  /** The names of the entities that link it, best first. */
  readonly via: readonly string[];
}

/** Entities, memories and the links between them, per cube. */
export class EntityGraph {
  readonly #nodes = new Map<string, EntityNode>();
  /**
   * Each memory's entities: the shared nodes themselves and the type each was named as there (the
   * words that named them stay in IndexedDB, so a large graph holds little per link).
   */
  readonly #links = new Map<string, { readonly cubeId: string; readonly nodes: readonly EntityNode[]; readonly types: readonly EntityType[] }>();
  /** How many memories of each cube have links. */
  readonly #cubeSizes = new Map<string, number>();
  /** cubeId → alias → entity key. */
  readonly #roleAliases = new Map<string, Map<string, string>>();
  /** Each cube's entity edits (absent: none). */
  readonly #edits = new Map<string, EntityEdits>();
  /** cubeId → an entity others were merged into → every key that ends up in it (itself first). */
  readonly #mergedInto = new Map<string, Map<string, string[]>>();

  /** Applies a cube's entity edits (they replace the ones it had). */
  setEdits(cubeId: string, edits: EntityEdits | undefined): void {
    if (!edits || edits.version === 0) {
      this.#edits.delete(cubeId);
      this.#mergedInto.delete(cubeId);
      return;
    }
    this.#edits.set(cubeId, edits);
    const groups = new Map<string, string[]>();
    for (const key of Object.keys(edits.merged)) {
      const into = mergedKey(edits, key);
      groups.set(into, [...(groups.get(into) ?? [into]), key]);
    }
    this.#mergedInto.set(cubeId, groups);
  }

  /** The entity a key ends up in after a cube's merges. */
  #canon(cubeId: string, key: string): string {
    const edits = this.#edits.get(cubeId);
    return edits ? mergedKey(edits, key) : key;
  }

  /**
   * An entity as people see it: the nodes merged into it as one (their memories together), with the
   * name and type a person gave it; undefined when no memory names it or what was merged into it.
   */
  #group(cubeId: string, key: string): { key: string; name: string; type: EntityType; memories: ReadonlySet<string> } | undefined {
    const edits = this.#edits.get(cubeId) ?? NO_ENTITY_EDITS;
    const keys = this.#mergedInto.get(cubeId)?.get(key) ?? [key];
    const nodes = keys.map((k) => this.#nodes.get(nodeId(cubeId, k))).filter((n): n is EntityNode => n !== undefined);
    const first = nodes[0];
    if (!first) return undefined;
    const memories = nodes.length === 1 ? first.memories : new Set(nodes.flatMap((n) => [...n.memories]));
    return { key, name: edits.names[key] ?? first.name, type: edits.types[key] ?? first.type, memories };
  }

  /** How many memories have links. */
  get size(): number {
    return this.#links.size;
  }

  /** Replaces a memory's links (an empty list: it names nothing). */
  set(memoryId: string, cubeId: string, links: readonly EntityLink[], speaker?: string): void {
    this.remove([memoryId]);
    const nodes: EntityNode[] = [];
    this.#links.set(memoryId, { cubeId, nodes, types: links.map((l) => l.type) });
    this.#cubeSizes.set(cubeId, (this.#cubeSizes.get(cubeId) ?? 0) + 1);
    for (const link of links) {
      const id = nodeId(cubeId, link.key);
      let node = this.#nodes.get(id);
      if (!node) {
        node = { cubeId, key: link.key, name: link.name, type: link.type, memories: new Set(), types: new Map() };
        this.#nodes.set(id, node);
      }
      node.memories.add(memoryId);
      nodes.push(node);
      node.types.set(link.type, (node.types.get(link.type) ?? 0) + 1);
      if (link.type !== 'thing' || node.type === 'thing') {
        node.type = [...node.types].sort((a, b) => b[1] - a[1] || (a[0] === 'thing' ? 1 : -1))[0]![0];
        if (link.type === node.type) node.name = link.name;
      }
      if (link.role !== undefined && speaker !== undefined) {
        const aliases = this.#roleAliases.get(cubeId) ?? new Map<string, string>();
        // Folded as query keys are ("José's sister" → "jose's sister").
        aliases.set(`${foldWord(speaker)}'s ${link.role}`, link.key);
        this.#roleAliases.set(cubeId, aliases);
      }
    }
  }

  /** Forgets memories' links (their entities stay while another memory names them). */
  remove(memoryIds: Iterable<string>): void {
    for (const memoryId of memoryIds) {
      const held = this.#links.get(memoryId);
      if (!held) continue;
      this.#links.delete(memoryId);
      this.#cubeSizes.set(held.cubeId, (this.#cubeSizes.get(held.cubeId) ?? 1) - 1);
      held.nodes.forEach((node, i) => {
        const type = held.types[i]!;
        node.memories.delete(memoryId);
        const count = (node.types.get(type) ?? 1) - 1;
        if (count > 0) node.types.set(type, count);
        else node.types.delete(type);
        if (node.memories.size === 0) this.#nodes.delete(nodeId(held.cubeId, node.key));
      });
    }
  }

  /** Forgets everything (entity edits too: they are set again when the store opens). */
  clear(): void {
    this.#nodes.clear();
    this.#links.clear();
    this.#cubeSizes.clear();
    this.#roleAliases.clear();
    this.#edits.clear();
    this.#mergedInto.clear();
  }

  /** The entities a memory names (as merged and named by people; the type it was named as there). */
  entitiesOf(memoryId: string): { key: string; name: string; type: EntityType }[] {
    const held = this.#links.get(memoryId);
    if (!held) return [];
    const seen = new Map<string, { key: string; name: string; type: EntityType }>();
    held.nodes.forEach((node, i) => {
      const key = this.#canon(held.cubeId, node.key);
      if (seen.has(key)) return;
      const group = this.#group(held.cubeId, key);
      seen.set(key, { key, name: group?.name ?? node.name, type: this.#edits.get(held.cubeId)?.types[key] ?? held.types[i]! });
    });
    return [...seen.values()];
  }

  /** An entity of a cube by key (a key merged into another gives that one), if any memory names it. */
  entity(cubeId: string, key: string): { key: string; name: string; type: EntityType; memoryIds: readonly string[] } | undefined {
    const group = this.#group(cubeId, this.#canon(cubeId, key));
    return group && { key: group.key, name: group.name, type: group.type, memoryIds: [...group.memories] };
  }

  /** The entities of a cube, most linked first (merged ones once, as the entity they joined). */
  entities(cubeId: string): { key: string; name: string; type: EntityType; memoryCount: number }[] {
    const keys = new Set<string>();
    for (const node of this.#nodes.values()) if (node.cubeId === cubeId) keys.add(this.#canon(cubeId, node.key));
    const out = [];
    for (const key of keys) {
      const group = this.#group(cubeId, key);
      if (group) out.push({ key, name: group.name, type: group.type, memoryCount: group.memories.size });
    }
    return out.sort((a, b) => b.memoryCount - a.memoryCount || (a.key < b.key ? -1 : 1));
  }

  /** The aliases that lead to an entity of a cube: role aliases, short names, names people added, and entities merged into it. */
  aliasesOf(cubeId: string, key: string): string[] {
    const out = new Set<string>();
    for (const [alias, target] of this.#roleAliases.get(cubeId) ?? []) if (this.#canon(cubeId, target) === key) out.add(alias);
    for (const [alias, target] of Object.entries(this.#edits.get(cubeId)?.aliases ?? {})) if (this.#canon(cubeId, target) === key) out.add(alias);
    for (const merged of this.#mergedInto.get(cubeId)?.get(key) ?? []) if (merged !== key) out.add(merged);
    const group = this.#group(cubeId, key);
    if (group?.type === 'person') {
      for (const other of this.#nodes.values()) {
        if (other.cubeId === cubeId && other.type === 'person' && other.key !== key && this.#canon(cubeId, other.key) !== key && this.resolve(cubeId, other.key) === key) out.add(other.key);
      }
    }
    return [...out].sort();
  }

  /**
   * The entity a key means in a cube: a name people added, a role alias ("caroline's sister"), itself
   * when named, or — for a short name someone was called by ("mel") — the one person whose name it
   * begins ("melanie", at least three letters, only when unambiguous); then whatever it was merged
   * into. A key the graph does not hold means nothing.
   */
  resolve(cubeId: string, key: string): string | undefined {
    const added = this.#edits.get(cubeId)?.aliases[key];
    if (added !== undefined) return this.#canon(cubeId, added);
    const role = this.#roleAliases.get(cubeId)?.get(key);
    if (role !== undefined) return this.#canon(cubeId, role);
    const node = this.#nodes.get(nodeId(cubeId, key));
    if (!node) return this.#mergedInto.get(cubeId)?.has(key) ? key : undefined;
    if (node.type !== 'person' || key.length < 3 || key.includes(' ')) return this.#canon(cubeId, key);
    let found: string | undefined;
    for (const other of this.#nodes.values()) {
      if (other.cubeId !== cubeId || other.type !== 'person' || other.key === key || !other.key.startsWith(key)) continue;
      if (found !== undefined) return this.#canon(cubeId, key);
      found = other.key;
    }
    return this.#canon(cubeId, found ?? key);
  }

  /** How specific an entity is in its cube: rarer names connect more. */
  #idf(memoryCount: number, cubeSize: number): number {
    return Math.log(1 + cubeSize / memoryCount);
  }

  /**
   * Memories reached from the query's entities and from the best hits. A memory that names a query
   * entity scores that entity's specificity (idf); a memory that shares an entity with a seed hit
   * scores the seed's weight times the entity's specificity times `hopWeight`. Entities named by more
   * than 5% of a cube's memories (and at least 20), or by 200 or more, are too common to connect
   * anything.
   */
  walk(params: {
    readonly cubeIds: readonly string[];
    readonly queryKeys: readonly string[];
    readonly seeds: readonly { readonly id: string; readonly weight: number }[];
    readonly allow: (id: string) => boolean;
    readonly hopWeight: number;
    readonly limit: number;
  }): GraphHit[] {
    const sizes = this.#cubeSizes;
    const scores = new Map<string, { score: number; via: Map<string, number> }>();
    const credit = (memoryId: string, amount: number, name: string) => {
      if (!params.allow(memoryId)) return;
      const row = scores.get(memoryId) ?? { score: 0, via: new Map<string, number>() };
      row.score += amount;
      row.via.set(name, (row.via.get(name) ?? 0) + amount);
      scores.set(memoryId, row);
    };
    const usable = (cubeId: string, memoryCount: number) => memoryCount < Math.min(MAX_FANOUT, Math.max(20, MAX_SHARE * (sizes.get(cubeId) ?? 0)));
    const queryNodes = new Set<string>();
    for (const cubeId of params.cubeIds) {
      for (const raw of params.queryKeys) {
        const key = this.resolve(cubeId, raw);
        const group = key === undefined ? undefined : this.#group(cubeId, key);
        // Two of the query's keys may lead to one entity ("mel", "melanie"): it counts once.
        if (!group || !usable(cubeId, group.memories.size) || queryNodes.has(nodeId(cubeId, group.key))) continue;
        queryNodes.add(nodeId(cubeId, group.key));
        const idf = this.#idf(group.memories.size, sizes.get(cubeId) ?? 0);
        for (const memoryId of group.memories) credit(memoryId, idf, group.name);
      }
    }
    if (params.hopWeight > 0) {
      for (const seed of params.seeds) {
        const held = this.#links.get(seed.id);
        if (!held) continue;
        const hopped = new Set<string>();
        for (const node of held.nodes) {
          const key = this.#canon(held.cubeId, node.key);
          const id = nodeId(held.cubeId, key);
          if (queryNodes.has(id) || hopped.has(id)) continue;
          hopped.add(id);
          const group = this.#group(held.cubeId, key);
          if (!group || !usable(held.cubeId, group.memories.size)) continue;
          const amount = params.hopWeight * seed.weight * this.#idf(group.memories.size, sizes.get(held.cubeId) ?? 0);
          for (const memoryId of group.memories) if (memoryId !== seed.id) credit(memoryId, amount, group.name);
        }
      }
    }
    return [...scores]
      .map(([id, row]) => ({ id, score: row.score, via: [...row.via].sort((a, b) => b[1] - a[1]).map(([name]) => name) }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, params.limit);
  }
}
