/**
 * A plaintext memory item and its header, following the MemCube header of MemOS (§5.2): descriptive
 * fields (where it came from, what it is), governance (who owns it, who sees it, how long it lives),
 * behaviour (how it is used) and version.
 */
import { canonicalJson } from './canonical-json';
import type { MetadataValue } from './limits';
import type { LifecycleState } from './lifecycle';

/** Where a memory came from. */
export const MEMORY_SOURCES = ['conversation', 'user', 'document', 'extracted', 'imported'] as const;
/** Where a memory came from. */
export type MemorySource = (typeof MEMORY_SOURCES)[number];

/** What kind of knowledge a memory holds. */
export const SEMANTIC_TYPES = ['fact', 'preference', 'event', 'task', 'other'] as const;
/** What kind of knowledge a memory holds. */
export type SemanticType = (typeof SEMANTIC_TYPES)[number];

/** How long-lived a memory is meant to be (MemOS: WorkingMemory, LongTermMemory, UserMemory). */
export const MEMORY_TYPES = ['working', 'long-term', 'user'] as const;
/** How long-lived a memory is meant to be. */
export type MemoryType = (typeof MEMORY_TYPES)[number];

/** Who may see a memory besides its cube's owner and the users the cube is shared with. */
export const VISIBILITIES = ['private', 'shared'] as const;
/** Who may see a memory: `private` hides it from users the cube is shared with. */
export type Visibility = (typeof VISIBILITIES)[number];

/** The origin of one piece of a memory: a message of a conversation, a document, a user action. */
export interface SourceRef {
  /** The conversation session the message belongs to. */
  readonly sessionId?: string | undefined;
  /** The id of the message (for LoCoMo: the dia_id such as "D1:3"). */
  readonly messageId?: string | undefined;
  /** Who said it. */
  readonly speaker?: string | undefined;
  /** When it was said, as epoch milliseconds. */
  readonly spokenAt?: number | undefined;
  /** The document the memory was read from (a chunk of it: see addDocument). */
  readonly documentId?: string | undefined;
  /** That document's name as added. */
  readonly documentName?: string | undefined;
  /** The (first) page the passage is on, from 1. */
  readonly page?: number | undefined;
  /** The last page the passage is on, when it runs over pages. */
  readonly pageEnd?: number | undefined;
  /** The headings above the passage, outermost first. */
  readonly headings?: readonly string[] | undefined;
  /** Where the passage starts and ends in the document's text (characters). */
  readonly charStart?: number | undefined;
  readonly charEnd?: number | undefined;
}

/** One use of a memory: when, and by which query or job. */
export interface MemoryHit {
  readonly at: number;
  readonly by: 'search' | 'get' | 'chat' | 'scheduler';
}

/** How many hits a memory keeps in its bounded history. */
export const HIT_HISTORY_LIMIT = 32;

/** The behaviour part of the header: usage, kept without creating versions. */
export interface MemoryUsage {
  readonly accessCount: number;
  readonly lastAccessAt: number | null;
  /** The most recent hits, newest last, at most {@link HIT_HISTORY_LIMIT}. */
  readonly hits: readonly MemoryHit[];
}

/**
 * A typed relation a memory states, as a graph edge: "Melanie" —"lives in"→ "Boston". The memory's
 * validFrom/validTo are the relation's validity; its versions and audit entries are the relation's.
 */
export interface MemoryRelation {
  /** Who or what the relation is about (an entity's name as said). */
  readonly subject: string;
  /** The relation's name, a short verb phrase ("lives in", "works at", "is sister of"). */
  readonly predicate: string;
  /** The other end (an entity's name, or a value such as "vegetarian"). */
  readonly object: string;
}

/** The fields of a memory that are versioned: every change to one of them writes a new version. */
export interface MemoryContent {
  /** The memory itself, as text. */
  readonly text: string;
  /** An optional key (a slot such as "favourite_food") for structured memories. */
  readonly key: string | null;
  readonly semanticType: SemanticType;
  readonly memoryType: MemoryType;
  readonly tags: readonly string[];
  readonly visibility: Visibility;
  /** When the memory expires (epoch ms), or null for never. */
  readonly expiresAt: number | null;
  /** From 0 (lowest) to 10 (highest); 5 by default. */
  readonly priority: number;
  /**
   * The app's own data about the memory (e.g. its ids for it): a JSON object checked by
   * core/limits' checkMetadata, versioned like the text. Absent when none was given.
   */
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
  /** Labels such as "health" or "finance" that governance rules can act on. */
  readonly sensitivity: readonly string[];
  readonly state: LifecycleState;
  /** The typed relation the memory states (the fine reader's, or the app's), when it states one. */
  readonly relation?: MemoryRelation;
}

/** The names of the versioned fields. */
export const CONTENT_FIELDS = [
  'text',
  'key',
  'semanticType',
  'memoryType',
  'tags',
  'visibility',
  'expiresAt',
  'priority',
  'sensitivity',
  'state',
  'metadata',
  'relation',
] as const satisfies readonly (keyof MemoryContent)[];

/** A plaintext memory as stored: content plus the rest of the header. */
export interface MemoryItem extends MemoryContent {
  readonly id: string;
  readonly cubeId: string;
  /** The user who wrote it. */
  readonly ownerId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly source: MemorySource;
  readonly sourceRefs: readonly SourceRef[];
  readonly usage: MemoryUsage;
  /** The current version number; version 1 is the memory as created. */
  readonly version: number;
  /** The live state to return to on restore/unfreeze; null while live. */
  readonly stateBefore: LifecycleState | null;
  /** The memories this one was merged from (consolidation), when it was. */
  readonly mergedFrom?: readonly string[];
  /** When what it says became true (defaults to when it was said). */
  readonly validFrom?: number | null;
  /** When it stopped being true: set when a newer fact on the same key superseded it. */
  readonly validTo?: number | null;
  /** The memory that superseded it, if one did. */
  readonly supersededBy?: string | null;
}

/** What happened in a change. */
export const CHANGE_ACTIONS = [
  'create',
  'update',
  'archive',
  'restore',
  'freeze',
  'unfreeze',
  'expire',
  'activate',
  'merge',
  'supersede',
  'rollback',
  'import',
] as const;
/** What happened in a change. */
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/** One field that changed in a version: its value before and after. */
export interface FieldChange {
  readonly field: (typeof CONTENT_FIELDS)[number];
  readonly from: unknown;
  readonly to: unknown;
}

/** One entry in a memory's version chain: what changed, when, by whom and why. */
export interface MemoryVersion {
  readonly memoryId: string;
  readonly cubeId: string;
  readonly version: number;
  readonly at: number;
  readonly by: string;
  readonly action: ChangeAction;
  readonly reason: string | null;
  readonly changes: readonly FieldChange[];
  /** The versioned fields as they were after this change. */
  readonly snapshot: MemoryContent;
}

/**
 * The record of a memory's first version, derived from the memory while it is still at version 1.
 * Adds do not write it (one request fewer per memory): it is written by the memory's first change,
 * and read paths derive it until then. Only for memories made by an add ("create").
 */
export function firstVersionOf(memory: MemoryItem): MemoryVersion {
  if (memory.version !== 1) throw new RangeError(`memory ${memory.id} is at version ${memory.version}`);
  return { memoryId: memory.id, cubeId: memory.cubeId, version: 1, at: memory.createdAt, by: memory.ownerId, action: 'create', reason: null, changes: [], snapshot: contentOf(memory) };
}

/** Picks the versioned fields of a memory. */
export function contentOf(item: MemoryContent): MemoryContent {
  return {
    text: item.text,
    key: item.key,
    semanticType: item.semanticType,
    memoryType: item.memoryType,
    tags: [...item.tags],
    visibility: item.visibility,
    expiresAt: item.expiresAt,
    priority: item.priority,
    sensitivity: [...item.sensitivity],
    state: item.state,
    ...(item.metadata !== undefined && { metadata: structuredClone(item.metadata) }),
    ...(item.relation !== undefined && { relation: { subject: item.relation.subject, predicate: item.relation.predicate, object: item.relation.object } }),
  };
}

/** Lists the versioned fields whose values differ between two contents. */
export function diffContent(before: MemoryContent, after: MemoryContent): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of CONTENT_FIELDS) {
    const a = before[field];
    const b = after[field];
    const same =
      field === 'metadata'
        ? sortedJson(a) === sortedJson(b)
        : field === 'relation'
          ? canonicalJson(a ?? null) === canonicalJson(b ?? null)
          : Array.isArray(a) && Array.isArray(b)
            ? a.length === b.length && a.every((v, i) => v === b[i])
            : a === b;
    // (Absent metadata is recorded as {}, an absent relation as null, so a version file always has both sides.)
    if (!same) changes.push(field === 'metadata' ? { field, from: a ?? {}, to: b ?? {} } : field === 'relation' ? { field, from: a ?? null, to: b ?? null } : { field, from: a, to: b });
  }
  return changes;
}

/** JSON with object keys sorted, for comparing metadata; absent and `{}` are the same. */
function sortedJson(value: unknown): string {
  return canonicalJson(value ?? {});
}

/** Records one hit in a usage record, keeping the hit history bounded. */
export function recordHit(usage: MemoryUsage, hit: MemoryHit): MemoryUsage {
  const hits = [...usage.hits, hit];
  return {
    accessCount: usage.accessCount + 1,
    lastAccessAt: hit.at,
    hits: hits.length > HIT_HISTORY_LIMIT ? hits.slice(hits.length - HIT_HISTORY_LIMIT) : hits,
  };
}
