/**
 * The cube export file: a versioned, self-checking JSON document that holds a cube's manifest, its
 * memories with their full headers, every version of each, and its binary chunks. The same cube gives
 * the same bytes (keys sorted, nothing time-dependent added), so export → import → export is identical.
 * See docs/cube-file-format.md.
 */
import { z } from 'zod/mini';
import { MemosError } from '../core/errors';
import { CHANGE_ACTIONS, CONTENT_FIELDS, MEMORY_SOURCES, MEMORY_TYPES, SEMANTIC_TYPES, VISIBILITIES, contentOf, type MemoryItem, type MemoryVersion } from '../core/memory-item';
import { LIFECYCLE_STATES } from '../core/lifecycle';
import { CUBE_SCHEMA_VERSION, TEXT_LANGUAGES, type CubeManifest } from '../core/cube';
import type { BlobRecord, EntityLinkRecord } from '../storage/schema';
import { ENTITY_TYPES } from '../protocol/graph-types';
import { canonicalJson, fromBase64, sha256Hex, toBase64 } from '../core/canonical-json';
import { LIMITS } from '../core/limits';
import { checkCubeFileFields } from './cube-file-rules';
import { CUBE_FILE_FORMAT, CUBE_FILE_VERSION } from '../protocol/cube-file-format';

// zod/mini carries no messages of its own: errors name what is wrong in English, as the classic build did.
z.config(z.locales.en());

export { CUBE_FILE_FORMAT, CUBE_FILE_VERSION };

const nonNegativeInt = z.int().check(z.nonnegative());
/** A time: epoch milliseconds. */
const time = nonNegativeInt;
/** A content field's value, as a version's changes record it before and after. */
const metadata = z.record(z.string(), z.json());
const relation = z.strictObject({ subject: z.string(), predicate: z.string(), object: z.string() });
const fieldValue = z.union([z.string(), z.number(), z.null(), z.array(z.string()), relation, metadata]);
const id = z.string().check(z.minLength(1), z.maxLength(200));
const positiveInt = z.int().check(z.positive());

const contentShape = {
  text: z.string(),
  key: z.nullable(z.string()),
  semanticType: z.enum(SEMANTIC_TYPES),
  memoryType: z.enum(MEMORY_TYPES),
  tags: z.array(z.string()),
  visibility: z.enum(VISIBILITIES),
  expiresAt: z.nullable(time),
  priority: z.number().check(z.minimum(0), z.maximum(10)),
  sensitivity: z.array(z.string()),
  state: z.enum(LIFECYCLE_STATES),
  metadata: z.optional(metadata),
  relation: z.optional(relation),
};

const sourceRef = z.strictObject({
  sessionId: z.optional(z.string()),
  messageId: z.optional(z.string()),
  speaker: z.optional(z.string()),
  spokenAt: z.optional(z.number()),
});

const memorySchema = z.strictObject({
  ...contentShape,
  id,
  cubeId: id,
  ownerId: id,
  createdAt: time,
  updatedAt: time,
  source: z.enum(MEMORY_SOURCES),
  sourceRefs: z.array(sourceRef),
  usage: z.strictObject({
    accessCount: nonNegativeInt,
    lastAccessAt: z.nullable(time),
    hits: z.array(z.strictObject({ at: time, by: z.enum(['search', 'get', 'chat', 'scheduler']) })),
  }),
  version: positiveInt,
  stateBefore: z.nullable(z.enum(LIFECYCLE_STATES)),
  mergedFrom: z.optional(z.array(id)),
  validFrom: z.optional(z.nullable(time)),
  validTo: z.optional(z.nullable(time)),
  supersededBy: z.optional(z.nullable(id)),
});

const versionSchema = z.strictObject({
  memoryId: id,
  cubeId: id,
  version: positiveInt,
  at: time,
  by: id,
  action: z.enum(CHANGE_ACTIONS),
  reason: z.nullable(z.string()),
  changes: z.array(z.strictObject({ field: z.enum(CONTENT_FIELDS), from: fieldValue, to: fieldValue })).check(z.maxLength(CONTENT_FIELDS.length)),
  snapshot: z.strictObject(contentShape),
});

const blobSchema = z.strictObject({
  blobId: id,
  memoryId: z.nullable(id),
  kind: z.string().check(z.minLength(1)),
  chunk: nonNegativeInt,
  checksum: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  data: z.string(),
});

const entityLinkSchema = z.strictObject({
  memoryId: id,
  memoryVersion: positiveInt,
  textHash: z.string().check(z.regex(/^[0-9a-f]{8}$/)),
  speaker: z.nullable(z.string()),
  extractor: z.string().check(z.minLength(1), z.maxLength(100)),
  at: time,
  links: z.array(
    z.strictObject({
      key: z.string().check(z.minLength(1), z.maxLength(200)),
      name: z.string().check(z.minLength(1), z.maxLength(200)),
      type: z.enum(ENTITY_TYPES),
      words: z.string().check(z.maxLength(400)),
      role: z.optional(z.string().check(z.maxLength(40))),
    }),
  ).check(z.maxLength(500)),
});

const manifestSchema = z.strictObject({
  cubeId: id,
  name: z.string().check(z.minLength(1)),
  ownerId: id,
  schemaVersion: z.literal(CUBE_SCHEMA_VERSION),
  createdAt: time,
  embedder: z.nullable(z.strictObject({ modelId: z.string(), revision: z.string(), dimension: positiveInt })),
  policy: z.optional(z.strictObject({ redaction: z.enum(['redact', 'tag', 'keep']), language: z.optional(z.enum(TEXT_LANGUAGES)) })),
  // Since entity edits (checked field by field by checkCubeFileFields); absent from older files.
  entities: z.optional(z.record(z.string(), z.unknown())),
});

const fileSchema = z.strictObject({
  format: z.literal(CUBE_FILE_FORMAT),
  formatVersion: z.literal(CUBE_FILE_VERSION),
  manifest: manifestSchema,
  memories: z.array(memorySchema),
  versions: z.array(versionSchema),
  blobs: z.array(blobSchema),
  // Since the entity graph: the entities each memory names (absent from older files, which still import).
  entityLinks: z.optional(z.array(entityLinkSchema)),
  checksum: z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/)),
});

/** A cube's contents as read from a file, checked and ready to store. */
export interface CubeContents {
  readonly manifest: CubeManifest;
  readonly memories: readonly MemoryItem[];
  readonly versions: readonly MemoryVersion[];
  readonly blobs: readonly Omit<BlobRecord, 'cubeId'>[];
  /** The entity graph's links of the memories (see EntityLinkRecord); none in files made before it. */
  readonly entityLinks?: readonly Omit<EntityLinkRecord, 'cubeId'>[];
}

function byMemoryOrder(a: MemoryItem, b: MemoryItem): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function byVersionOrder(a: MemoryVersion, b: MemoryVersion): number {
  return a.memoryId < b.memoryId ? -1 : a.memoryId > b.memoryId ? 1 : a.version - b.version;
}

/** Writes a cube file. The result depends only on the cube's contents. */
export async function writeCubeFile(contents: CubeContents): Promise<string> {
  const body = {
    format: CUBE_FILE_FORMAT,
    formatVersion: CUBE_FILE_VERSION,
    manifest: contents.manifest,
    memories: [...contents.memories].sort(byMemoryOrder),
    versions: [...contents.versions].sort(byVersionOrder),
    blobs: [...contents.blobs]
      .sort((a, b) => (a.blobId < b.blobId ? -1 : a.blobId > b.blobId ? 1 : 0))
      .map((b) => ({ blobId: b.blobId, memoryId: b.memoryId, kind: b.kind, chunk: b.chunk, checksum: b.checksum, data: toBase64(b.data) })),
    ...(contents.entityLinks?.length && {
      entityLinks: [...contents.entityLinks]
        .sort((a, b) => (a.memoryId < b.memoryId ? -1 : a.memoryId > b.memoryId ? 1 : 0))
        .map((l) => ({ memoryId: l.memoryId, memoryVersion: l.memoryVersion, textHash: l.textHash, speaker: l.speaker, extractor: l.extractor, at: l.at, links: l.links })),
    }),
  };
  const checksum = `sha256:${await sha256Hex(canonicalJson(body))}`;
  return canonicalJson({ ...body, checksum });
}

function malformed(detail: string, details?: Record<string, unknown>): MemosError {
  return new MemosError('IMPORT_MALFORMED', detail, details);
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Checks what a schema cannot: ids, ownership of every record by the cube, complete version chains. */
function checkIntegrity(manifest: CubeManifest, memories: readonly MemoryItem[], versions: readonly MemoryVersion[]): void {
  const memoryIds = new Set<string>();
  for (const m of memories) {
    if (m.cubeId !== manifest.cubeId) throw malformed(`Memory ${m.id} belongs to another cube.`, { memoryId: m.id });
    if (memoryIds.has(m.id)) throw malformed(`Memory ${m.id} appears twice.`, { memoryId: m.id });
    memoryIds.add(m.id);
  }
  const chains = new Map<string, MemoryVersion[]>();
  for (const v of versions) {
    if (v.cubeId !== manifest.cubeId) throw malformed(`A version of ${v.memoryId} belongs to another cube.`, { memoryId: v.memoryId });
    if (!memoryIds.has(v.memoryId)) throw malformed(`A version names memory ${v.memoryId}, which the file lacks.`, { memoryId: v.memoryId });
    const chain = chains.get(v.memoryId) ?? [];
    chain.push(v);
    chains.set(v.memoryId, chain);
  }
  for (const m of memories) {
    const chain = (chains.get(m.id) ?? []).sort((a, b) => a.version - b.version);
    const complete = chain.length === m.version && chain.every((v, i) => v.version === i + 1);
    if (!complete) throw malformed(`Memory ${m.id} does not have versions 1 to ${m.version}.`, { memoryId: m.id });
    const last = chain[chain.length - 1];
    if (!last || !sameJson(last.snapshot, contentOf(m))) {
      throw malformed(`Memory ${m.id} differs from its latest version.`, { memoryId: m.id });
    }
  }
}

/**
 * Reads and checks a cube file. Nothing is stored here; the caller stores the result in one transaction.
 * @throws {MemosError} IMPORT_MALFORMED when the text is not JSON, does not match the format, or is inconsistent
 * @throws {MemosError} IMPORT_UNSUPPORTED when the format version is one this code does not read
 * @throws {MemosError} IMPORT_TAMPERED when the content does not match its checksum
 */
export async function readCubeFile(text: string): Promise<CubeContents> {
  if (typeof text !== 'string') throw malformed('The file must be given as text.');
  // Refused before parsing, so a huge file costs neither the time nor the memory of reading it.
  if (text.length > LIMITS.importChars) {
    throw new MemosError('IMPORT_TOO_LARGE', `The file has ${text.length} characters; at most ${LIMITS.importChars} are read.`, { size: text.length, limit: LIMITS.importChars });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw malformed('It is not JSON.', { reason: error instanceof Error ? error.message : String(error) });
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== CUBE_FILE_FORMAT) {
    throw malformed(`Its "format" field is not "${CUBE_FILE_FORMAT}".`);
  }
  const version = (raw as { formatVersion?: unknown }).formatVersion;
  if (version !== CUBE_FILE_VERSION) {
    throw new MemosError('IMPORT_UNSUPPORTED', `It has format version ${String(version)}; this build reads ${CUBE_FILE_VERSION}.`, { formatVersion: String(version) });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.join('.') : '';
    throw malformed(`At ${path || 'the top level'}: ${issue?.message ?? 'invalid'}.`, { path, field: path || 'file' });
  }
  const { checksum, ...body } = parsed.data;
  const expected = `sha256:${await sha256Hex(canonicalJson(body))}`;
  if (expected !== checksum) throw new MemosError('IMPORT_TAMPERED');
  const memories = body.memories as MemoryItem[];
  const versions = body.versions as MemoryVersion[];
  // (Entity edits are checked field by field next.)
  const manifest = body.manifest as unknown as CubeManifest;
  checkCubeFileFields(manifest, memories, versions, body.blobs);
  checkIntegrity(manifest, memories, versions);
  const entityLinks = body.entityLinks ?? [];
  const versionOf = new Map(memories.map((m) => [m.id, m.version]));
  const linked = new Set<string>();
  for (const l of entityLinks) {
    const memoryVersion = versionOf.get(l.memoryId);
    if (memoryVersion === undefined) throw malformed(`Entity links name memory ${l.memoryId}, which the file lacks.`, { memoryId: l.memoryId });
    if (l.memoryVersion > memoryVersion) throw malformed(`Entity links of ${l.memoryId} were read from a version it does not have.`, { memoryId: l.memoryId });
    if (linked.has(l.memoryId)) throw malformed(`Memory ${l.memoryId} has entity links twice.`, { memoryId: l.memoryId });
    linked.add(l.memoryId);
  }
  const blobs = [];
  for (const b of body.blobs) {
    let data: ArrayBuffer;
    try {
      data = fromBase64(b.data);
    } catch {
      throw malformed(`Blob ${b.blobId} is not base64.`, { blobId: b.blobId });
    }
    if ((await sha256Hex(data)) !== b.checksum) throw new MemosError('IMPORT_TAMPERED', `Blob ${b.blobId} does not match its checksum.`, { blobId: b.blobId });
    blobs.push({ blobId: b.blobId, memoryId: b.memoryId, kind: b.kind, chunk: b.chunk, checksum: b.checksum, data });
  }
  return { manifest, memories, versions, blobs, ...(entityLinks.length > 0 && { entityLinks: entityLinks as Omit<EntityLinkRecord, 'cubeId'>[] }) };
}
