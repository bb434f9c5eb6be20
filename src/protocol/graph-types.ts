/**
 * The entity graph's contract: entities found in memories, the links between memories and entities,
 * and what the graph API returns (see MemoryApi.entities, related and topics).
 */

import type { EntityEdits, EntityType } from '../core/entity-edits';

export { ENTITY_TYPES, type EntityEdits, type EntityType } from '../core/entity-edits';

/** A memory's link to an entity it names, with the words that named it (its provenance). */
export interface EntityLink {
  /** The entity's key in its cube: its name folded (lower case, singular, no diacritics). */
  readonly key: string;
  /** The name as best written ("Melanie", "adoption agency"). */
  readonly name: string;
  readonly type: EntityType;
  /** The words of the memory that named it ("my sister Lucia"). */
  readonly words: string;
  /**
   * A family or social role the speaker gave the entity ("sister" in "my sister Lucia"): the graph
   * keeps "<speaker>'s sister" as an alias of it.
   */
  readonly role?: string;
}

/** What {@link MemoryApi.entities} lists. */
export interface EntitiesParams {
  readonly userId: string;
  readonly cubeId: string;
  /** Only entities whose name or an alias contains this (case and accents ignored). */
  readonly query?: string;
  /** Only entities of these types. */
  readonly types?: readonly EntityType[];
  /** Only what memories valid at this time (epoch ms) say: "what was true then". */
  readonly asOf?: number;
  /** At most this many (default 100, at most 1000). */
  readonly limit?: number;
}

/** An entity of a cube as the graph holds it. */
export interface EntityView {
  readonly key: string;
  readonly name: string;
  readonly type: EntityType;
  /** Other names that lead to it ("mel", "caroline's sister"). */
  readonly aliases: readonly string[];
  /** How many memories the caller may read name it. */
  readonly memoryCount: number;
  /** Those memories, newest first (at most 50). */
  readonly memoryIds: readonly string[];
  /** When it was first and last said or written of (epoch ms): the validity of what is known of it. */
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
}

/** What {@link MemoryApi.related} looks up. */
export interface RelatedParams {
  readonly userId: string;
  readonly memoryId: string;
  /** At most this many related memories (default 10, at most 100). */
  readonly limit?: number;
}

/** A memory linked to another through the entities they share. */
export interface RelatedMemory {
  readonly memoryId: string;
  readonly text: string;
  /** The shared entities that link them, strongest first. */
  readonly via: readonly string[];
  /** How strongly (the shared entities' specificity, summed). */
  readonly score: number;
}

/** A memory's place in the graph: the entities it names and the memories they lead to. */
export interface RelatedResult {
  readonly memoryId: string;
  readonly entities: readonly EntityLink[];
  readonly related: readonly RelatedMemory[];
}

/** How far the entity graph is. */
export interface GraphStatus {
  /** Memories whose links the graph holds. */
  readonly linked: number;
  /** Memories waiting to be read. */
  readonly pending: number;
  /** The last batch's failure, if it failed. */
  readonly lastError: string | null;
}

/** What {@link MemoryApi.topics} lists. */
export interface TopicsParams {
  readonly userId: string;
  readonly cubeId: string;
}

/** A topic of a cube's topic tree. */
export interface TopicView {
  /** Stable within one build of the tree ("t2", "t2.1"). */
  readonly topicId: string;
  /** Its characteristic entities, joined ("pottery · kiln"), or "other". */
  readonly label: string;
  /**
   * A short title a loaded chat model wrote for it ("Pottery classes"), once the scheduler had idle
   * time with a model; absent until then (show the label).
   */
  readonly title?: string;
  /** Up to four characteristic entity names, most characteristic first. */
  readonly entities: readonly string[];
  /** How many memories the caller may read are in it. */
  readonly memoryCount: number;
  /** Those nearest its centre first (at most 20). */
  readonly memoryIds: readonly string[];
  readonly children: readonly TopicView[];
}

/** What {@link MemoryApi.relations} lists. */
export interface RelationsParams {
  readonly userId: string;
  readonly cubeId: string;
  /** Only relations with this entity at one end (its name, key or an alias; case and accents ignored). */
  readonly entity?: string;
  /** Relations true at this time (epoch ms): "what was true then". Without it, what is true now. */
  readonly asOf?: number;
  /** Every relation ever stated, ended and superseded ones too (their history); asOf is then ignored. */
  readonly includeEnded?: boolean;
  /** At most this many (default 100, at most 1000), the latest first. */
  readonly limit?: number;
}

/** A typed relation between two entities, as a memory states it (see MemoryItem.relation). */
export interface RelationView {
  /** The memory that states it: its versions and audit entries are the relation's history. */
  readonly memoryId: string;
  readonly subject: string;
  readonly predicate: string;
  readonly object: string;
  /** The graph keys of its two ends (an entity's key, see EntityView.key). */
  readonly subjectKey: string;
  readonly objectKey: string;
  /** From when it holds (epoch ms), and until when (null: not ended). */
  readonly validFrom: number;
  readonly validTo: number | null;
  /** The memory that ended it, when a newer one superseded it (consolidation). */
  readonly supersededBy: string | null;
  /** Whether it holds now: a live memory not ended. */
  readonly current: boolean;
}

/**
 * What {@link MemoryApi.editEntity} changes about one entity of a cube (at least one of the fields).
 * Each call is a new version of the cube's entity edits, with an audit entry.
 */
export interface EditEntityParams {
  readonly userId: string;
  readonly cubeId: string;
  /** The entity (its key or name, as `entities()` lists it). */
  readonly key: string;
  /** Merge it into this entity (its memories and names then lead there); `null` undoes a merge. */
  readonly mergeInto?: string | null;
  /** A name that should lead to it ("Mel", "my sister"). */
  readonly addAlias?: string;
  /** A name given by addAlias that should no longer lead to it. */
  readonly removeAlias?: string;
  /** The name to show it with; `null` goes back to the name its memories use. */
  readonly name?: string | null;
  /** Its type, when the tagger got it wrong; `null` goes back to the type found. */
  readonly type?: EntityType | null;
  /** Why (kept in the audit entry). */
  readonly reason?: string;
}
