/**
 * A MemCube as a container: its manifest, and the users it is shared with. The memories themselves
 * are stored apart (see {@link MemoryItem}) and reference the cube by id.
 */
import type { EntityEdits } from './entity-edits';

/** The schema version of a cube's manifest and memories. */
export const CUBE_SCHEMA_VERSION = 1;

/** The identity of the embedding model that made a cube's vectors. */
export interface EmbedderFingerprint {
  readonly modelId: string;
  readonly revision: string;
  readonly dimension: number;
}

/** What a user may do with a cube shared with them. */
export type CubeAccess = 'read' | 'write';

/** A cube's manifest. */
export interface CubeManifest {
  readonly cubeId: string;
  readonly name: string;
  readonly ownerId: string;
  readonly schemaVersion: number;
  readonly createdAt: number;
  /** The embedder whose vectors the cube holds, or null while it has none. */
  readonly embedder: EmbedderFingerprint | null;
  /**
   * What the cube does with what is written into it (redaction, language); absent on cubes made
   * before policies existed (defaults apply). Travels with the cube file.
   */
  readonly policy?: CubePolicy;
  /**
   * What people changed in the cube's entity graph (merges, aliases, names, types); absent until the
   * first edit. Travels with the cube file and with sync.
   */
  readonly entities?: EntityEdits;
}

/** A cube as stored: its manifest and who else may use it. */
export interface CubeRecord extends CubeManifest {
  /** userId → access, for users other than the owner. */
  readonly shares: Readonly<Record<string, CubeAccess>>;
  /** The user ids in `shares`, kept as an array for a multi-entry index. */
  readonly sharedWith: readonly string[];
}

/** The languages the full-text index can stem words in (a cube may choose one; see CubePolicy). */
export const TEXT_LANGUAGES = [
  'arabic', 'armenian', 'bulgarian', 'danish', 'dutch', 'english', 'finnish', 'french', 'german', 'greek', 'hindi', 'hungarian',
  'indonesian', 'italian', 'norwegian', 'portuguese', 'romanian', 'russian', 'spanish', 'swedish', 'tamil', 'turkish', 'ukrainian',
] as const;

/** A language the full-text index can stem words in. */
export type TextLanguage = (typeof TEXT_LANGUAGES)[number];

/** What a cube does with what is written into it. */
export interface CubePolicy {
  /**
   * E-mail addresses, phone numbers, payment cards and secrets found in new text: "redact" (default:
   * replaced by placeholders before storage), "tag" (kept, labelled in `sensitivity`) or "keep".
   */
  readonly redaction: 'redact' | 'tag' | 'keep';
  /**
   * The language the cube's words are stemmed in, for the script that language is written in (e.g.
   * "german" for its Latin-script words, "ukrainian" for its Cyrillic ones); other scripts keep the
   * store's defaults. Absent: the store's defaults (Latin words as English). One of the names the
   * full-text index knows (see the README's Languages section).
   */
  readonly language?: TextLanguage;
}

/** A user of the store. Users are local personas on one device, not authenticated accounts. */
export interface UserRecord {
  readonly userId: string;
  readonly name: string;
  readonly createdAt: number;
  /** Cubes the user has registered: the default scope of their searches. */
  readonly registeredCubeIds: readonly string[];
  /**
   * Whether a loaded model may turn this user's conversations into extracted memories: "auto"
   * (stored at idle time), "ask" (default: proposed, stored once the user accepts) or "manual" (only
   * when `extract` is called).
   */
  readonly consent?: 'auto' | 'ask' | 'manual';
}

/** The manifest fields of a cube record. */
export function manifestOf(cube: CubeManifest): CubeManifest {
  return {
    cubeId: cube.cubeId,
    name: cube.name,
    ownerId: cube.ownerId,
    schemaVersion: cube.schemaVersion,
    createdAt: cube.createdAt,
    embedder: cube.embedder,
    ...(cube.policy !== undefined && { policy: { redaction: cube.policy.redaction, ...(cube.policy.language !== undefined && { language: cube.policy.language }) } }),
    ...(cube.entities !== undefined && { entities: structuredClone(cube.entities) }),
  };
}
