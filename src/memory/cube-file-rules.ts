/**
 * The identifier and size rules of core/limits.ts applied to every field of a cube file, and the
 * references a file's records make to each other. A file that breaks one is refused with
 * IMPORT_MALFORMED naming the field (e.g. `memories[3].tags[2]`), whatever its checksum says.
 */
import { checkId, checkKey, checkMetadata, checkName, checkRelation, checkReason, checkReference, checkSourceRefs, checkTags, checkText, ruleError } from '../core/limits';
import { HIT_HISTORY_LIMIT, type MemoryContent, type MemoryItem, type MemoryVersion } from '../core/memory-item';
import type { CubeManifest } from '../core/cube';
import { checkEntityEdits } from '../core/entity-edits';

/** The blob fields the rules look at. */
interface BlobFields {
  readonly blobId: string;
  readonly memoryId: string | null;
  readonly kind: string;
}

function checkContent(content: MemoryContent, at: string): void {
  checkText(content.text, `${at}.text`, 'import');
  if (content.key !== null) checkKey(content.key, `${at}.key`, 'import');
  checkTags(content.tags, `${at}.tags`, 'import');
  checkTags(content.sensitivity, `${at}.sensitivity`, 'import');
  if (content.metadata !== undefined) checkMetadata(content.metadata, `${at}.metadata`, 'import');
  if (content.relation !== undefined) checkRelation(content.relation, `${at}.relation`, 'import');
}

/**
 * Checks every field of a parsed cube file against the rules, and that blobs and versions name
 * memories the file holds and that no id appears twice.
 * @throws {MemosError} IMPORT_MALFORMED naming the first field that breaks a rule
 */
export function checkCubeFileFields(
  manifest: CubeManifest,
  memories: readonly MemoryItem[],
  versions: readonly MemoryVersion[],
  blobs: readonly BlobFields[],
): void {
  checkId(manifest.cubeId, 'manifest.cubeId', 'import');
  checkId(manifest.ownerId, 'manifest.ownerId', 'import');
  checkName(manifest.name, 'manifest.name', 'import');
  if (manifest.entities !== undefined) checkEntityEdits(manifest.entities, 'manifest.entities', 'import');
  if (manifest.embedder) {
    checkReference(manifest.embedder.modelId, 'manifest.embedder.modelId', 'import');
    checkReference(manifest.embedder.revision, 'manifest.embedder.revision', 'import');
  }
  memories.forEach((m, i) => {
    const at = `memories[${i}]`;
    checkId(m.id, `${at}.id`, 'import');
    checkId(m.cubeId, `${at}.cubeId`, 'import');
    checkId(m.ownerId, `${at}.ownerId`, 'import');
    checkContent(m, at);
    checkSourceRefs(m.sourceRefs, `${at}.sourceRefs`, 'import');
    if (m.usage.hits.length > HIT_HISTORY_LIMIT) throw ruleError('import', `${at}.usage.hits`, `must hold at most ${HIT_HISTORY_LIMIT} entries`);
    m.mergedFrom?.forEach((id, j) => checkId(id, `${at}.mergedFrom[${j}]`, 'import'));
    if (m.supersededBy !== undefined && m.supersededBy !== null) checkId(m.supersededBy, `${at}.supersededBy`, 'import');
    if (m.updatedAt < m.createdAt) throw ruleError('import', `${at}.updatedAt`, 'must not be before createdAt');
  });
  versions.forEach((v, i) => {
    const at = `versions[${i}]`;
    checkId(v.memoryId, `${at}.memoryId`, 'import');
    checkId(v.cubeId, `${at}.cubeId`, 'import');
    checkId(v.by, `${at}.by`, 'import');
    if (v.reason !== null) checkReason(v.reason, `${at}.reason`, 'import');
    checkContent(v.snapshot, `${at}.snapshot`);
    const fields = new Set(v.changes.map((c) => c.field));
    if (fields.size !== v.changes.length) throw ruleError('import', `${at}.changes`, 'must name each field at most once');
  });
  const memoryIds = new Set(memories.map((m) => m.id));
  const blobIds = new Set<string>();
  blobs.forEach((b, i) => {
    const at = `blobs[${i}]`;
    checkId(b.blobId, `${at}.blobId`, 'import');
    if (blobIds.has(b.blobId)) throw ruleError('import', `${at}.blobId`, 'appears twice');
    blobIds.add(b.blobId);
    checkReference(b.kind, `${at}.kind`, 'import');
    if (b.memoryId !== null && !memoryIds.has(checkId(b.memoryId, `${at}.memoryId`, 'import'))) {
      throw ruleError('import', `${at}.memoryId`, 'names a memory the file does not hold');
    }
  });
}
