/**
 * Documents as memory, a service of MemOS: reading a file (memory/documents) into chunk memories that
 * cite their place, storing them with the document's record in one transaction through the one write
 * path, new versions that supersede old ones, and deleting a document with everything of it.
 */
import type { CubeRecord } from '../core/cube';
import type { DocumentRecord } from '../core/document-item';
import { MemosError } from '../core/errors';
import { sha256Hex } from '../core/hash';
import { newId, type Clock } from '../core/ids';
import { LIMITS } from '../core/limits';
import { LIVE_STATES } from '../core/lifecycle';
import { contentOf, diffContent, type MemoryItem, type SourceRef } from '../core/memory-item';
import { canSeeMemory } from '../governance/access';
import { chunkDocument, DEFAULT_CHUNKING, type DocumentChunk } from '../memory/documents/chunker';
import { readDocument } from '../memory/documents/read-document';
import type { VectorMemory } from '../memory/vector-memory';
import type { AddDocumentParams, AddDocumentResult, DeletedDocument, DocumentOptions, DocumentWithChunks, ListDocumentsParams } from '../protocol/document-types';
import type { CallOptions, MemoryInput } from '../protocol/memory-types';
import type { MemosStoreName } from '../storage/schema';
import type { Store } from '../storage/store';
import { appendAudit } from './audit-log';
import { cubeWithAccess } from './directory';
import { MEMORY_STORES, removeMemory, storeChangedMemory, storeNewMemories, type MemoryTx } from './memory-writes';
import type { PlaintextMemory } from './plaintext-memory';
import { checkAborted, intInRange, optionalReason, optionalTags, requireId, requireName, requireObject } from './validate';

const MIB = 1024 * 1024;
/** The stores a document write spans. */
const DOCUMENT_STORES: MemosStoreName[] = [...MEMORY_STORES, 'documents'];
/** Kept bytes are stored in blobs of this size. */
const ORIGINAL_CHUNK = 4 * MIB;
/** Chunks embedded per step (one progress report each). */
const EMBED_STEP = 32;

/** What documents need of MemOS. */
export interface DocumentMemoryDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** Drafts memory records (redaction, checks) and checks the policy again inside the write. */
  readonly plaintext: Pick<PlaintextMemory, 'draft' | 'checkPolicyUnchanged'>;
  /** The current embedder's vectors, if any. */
  vectors(): VectorMemory | undefined;
}

/** The options of one addDocument, checked, with their defaults. */
interface Settings {
  readonly keepOriginal: boolean;
  readonly maxOriginalBytes: number;
  readonly maxBytes: number;
  readonly maxPages: number;
  readonly chunkTokens: number;
  readonly overlapTokens: number;
  readonly tags: readonly string[];
  readonly embed: boolean;
}

function settingsOf(options: DocumentOptions | undefined): Settings {
  if (options !== undefined) requireObject(options, 'options');
  const o = options ?? {};
  if (o.keepOriginal !== undefined && typeof o.keepOriginal !== 'boolean') throw new MemosError('INVALID_INPUT', 'options.keepOriginal must be true or false.', { field: 'options.keepOriginal' });
  if (o.embed !== undefined && typeof o.embed !== 'boolean') throw new MemosError('INVALID_INPUT', 'options.embed must be true or false.', { field: 'options.embed' });
  const chunkTokens = intInRange(o.chunkTokens, 'options.chunkTokens', 16, 2_000, DEFAULT_CHUNKING.chunkTokens);
  return {
    keepOriginal: o.keepOriginal ?? false,
    maxOriginalBytes: intInRange(o.maxOriginalBytes, 'options.maxOriginalBytes', 0, 512 * MIB, 16 * MIB),
    maxBytes: intInRange(o.maxBytes, 'options.maxBytes', 1, 512 * MIB, 64 * MIB),
    maxPages: intInRange(o.maxPages, 'options.maxPages', 1, 100_000, 1_000),
    chunkTokens,
    overlapTokens: intInRange(o.overlapTokens, 'options.overlapTokens', 0, Math.floor(chunkTokens / 2), Math.min(DEFAULT_CHUNKING.overlapTokens, Math.floor(chunkTokens / 2))),
    tags: optionalTags(o.tags, 'options.tags') ?? [],
    embed: o.embed ?? true,
  };
}

/** The name and bytes of what was given. */
async function bytesOf(params: AddDocumentParams, maxBytes: number): Promise<{ name: string; mediaType: string; bytes: Uint8Array }> {
  const file: unknown = params.file;
  if (typeof Blob !== 'undefined' && file instanceof Blob) {
    const fileName = (file as Blob & { name?: unknown }).name;
    const name = requireName(params.name ?? (typeof fileName === 'string' && fileName !== '' ? fileName : undefined), 'name');
    if (file.size > maxBytes) throw tooLarge(file.size, maxBytes);
    return { name, mediaType: file.type, bytes: new Uint8Array(await file.arrayBuffer()) };
  }
  if (typeof file !== 'object' || file === null) throw new MemosError('INVALID_INPUT', 'file must be a File, a Blob or { name, bytes }.', { field: 'file' });
  const given = file as { name?: unknown; type?: unknown; bytes?: unknown };
  const name = requireName(params.name ?? given.name, params.name !== undefined ? 'name' : 'file.name');
  if (given.type !== undefined && typeof given.type !== 'string') throw new MemosError('INVALID_INPUT', 'file.type must be a media type.', { field: 'file.type' });
  const raw = given.bytes;
  const bytes = raw instanceof ArrayBuffer ? new Uint8Array(raw) : ArrayBuffer.isView(raw) ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  if (bytes === undefined) throw new MemosError('INVALID_INPUT', 'file.bytes must be an ArrayBuffer or a Uint8Array.', { field: 'file.bytes' });
  if (bytes.length > maxBytes) throw tooLarge(bytes.length, maxBytes);
  return { name, mediaType: (given.type as string | undefined) ?? '', bytes };
}

function tooLarge(size: number, limit: number): MemosError {
  return new MemosError('DOCUMENT_TOO_LARGE', `The file has ${size} bytes; the limit is ${limit} (options.maxBytes).`, { reason: 'bytes', bytes: size, limit });
}

/** The source reference a chunk cites. */
function citation(documentId: string, name: string, chunk: DocumentChunk): SourceRef[] {
  const cut = (s: string) => (s.length > LIMITS.referenceLength ? `${s.slice(0, LIMITS.referenceLength - 1)}…` : s);
  return [
    {
      documentId,
      documentName: cut(name),
      ...(chunk.page !== null && { page: chunk.page }),
      ...(chunk.pageEnd !== null && chunk.pageEnd !== chunk.page && { pageEnd: chunk.pageEnd }),
      ...(chunk.headings.length > 0 && { headings: chunk.headings.slice(-LIMITS.headingDepth).map(cut) }),
      charStart: chunk.charStart,
      charEnd: chunk.charEnd,
    },
  ];
}

/** addDocument and the calls after it (see MemoryApi). */
export class DocumentMemory {
  readonly #deps: DocumentMemoryDeps;

  constructor(deps: DocumentMemoryDeps) {
    this.#deps = deps;
  }

  /** See MemoryApi.addDocument. */
  async add(params: AddDocumentParams, options: CallOptions = {}): Promise<AddDocumentResult> {
    try {
      return await this.#add(params, options);
    } catch (error) {
      // The cube's policy changed in another tab while this one read: once more, with the new policy.
      if (error instanceof MemosError && error.code === 'VERSION_CONFLICT' && error.details?.['policyChanged'] === true) return this.#add(params, options);
      throw error;
    }
  }

  async #add(params: AddDocumentParams, options: CallOptions): Promise<AddDocumentResult> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const settings = settingsOf(params.options);
    // Access first: nobody reads a file into a cube they may not write.
    await this.#deps.store.read(['cubes'], (tx) => cubeWithAccess(tx, cubeId, userId, 'write'));
    const { name, mediaType, bytes } = await bytesOf(params, settings.maxBytes);
    const sha256 = await sha256Hex(bytes);
    const same = await this.#current(cubeId, (d) => d.sha256 === sha256);
    if (same) return { document: same, unchanged: true, superseded: null };
    checkAborted(options.signal);

    const text = await readDocument(bytes, {
      name,
      mediaType,
      maxPages: settings.maxPages,
      maxInflated: Math.min(8 * settings.maxBytes, 256 * MIB),
      signal: options.signal,
      onProgress: (done, total) => options.onProgress?.({ phase: 'reading', done, total, unit: 'items', note: 'pages' }),
    });
    const { chunks, chars } = chunkDocument(text, settings);
    if (chunks.length > LIMITS.itemsPerCall) throw new MemosError('DOCUMENT_TOO_LARGE', `The document gives ${chunks.length} chunks; at most ${LIMITS.itemsPerCall} fit one call. Raise options.chunkTokens.`, { reason: 'chunks' });
    const documentId = newId('doc');
    const now = this.#deps.clock();
    const inputs: MemoryInput[] = chunks.map((chunk) => ({
      text: chunk.text,
      source: 'document',
      semanticType: 'fact',
      tags: settings.tags,
      sourceRefs: citation(documentId, name, chunk),
      validFrom: now,
    }));
    const { items, policy, redacted } = await this.#deps.plaintext.draft(inputs, { userId, cubeId, sessionId: undefined, now }, (i) => `chunks[${i}]`);
    const vectors = settings.embed ? await this.#embed(items, options) : [];
    checkAborted(options.signal);

    options.onProgress?.({ phase: 'storing', done: 0, total: items.length, unit: 'items' });
    const kept = settings.keepOriginal && bytes.length <= settings.maxOriginalBytes;
    const originalBlobs = kept ? await originalBlobsOf(documentId, cubeId, bytes) : [];
    const result = await this.#deps.store.write(
      DOCUMENT_STORES,
      async (tx, changes): Promise<AddDocumentResult> => {
        const cube = await cubeWithAccess(tx, cubeId, userId, 'write');
        this.#deps.plaintext.checkPolicyUnchanged(cube, policy);
        const documents = tx.objectStore('documents');
        const inCube = await documents.index('byCube').getAll(cubeId);
        // Another tab may have added the same bytes meanwhile.
        const twin = inCube.find((d) => d.supersededAt === null && d.sha256 === sha256);
        if (twin) return { document: twin, unchanged: true, superseded: null };
        const previous = inCube.find((d) => d.supersededAt === null && d.name === name) ?? null;
        const record: DocumentRecord = {
          documentId,
          cubeId,
          name,
          title: (text.title ?? name).slice(0, LIMITS.nameLength),
          type: text.type,
          sha256,
          bytes: bytes.length,
          pageCount: text.pageCount,
          pagesWithoutText: text.pagesWithoutText,
          chars,
          chunkIds: items.map((m) => m.id),
          addedBy: userId,
          addedAt: now,
          version: previous === null ? 1 : previous.version + 1,
          previousId: previous?.documentId ?? null,
          supersededAt: null,
          supersededBy: null,
          original: kept ? { blobIds: originalBlobs.map((b) => b.blobId), bytes: bytes.length } : null,
        };
        let superseded: DocumentRecord | null = null;
        if (previous !== null) {
          superseded = { ...previous, supersededAt: now, supersededBy: documentId };
          await documents.put(superseded);
          await this.#archiveChunks(tx as unknown as MemoryTx, changes, previous, record, userId, now);
        }
        await storeNewMemories(tx, changes, items);
        await this.#deps.vectors()?.write(tx, changes, vectors, { fresh: true });
        for (const blob of originalBlobs) await tx.objectStore('blobs').add(blob);
        await documents.add(record);
        await appendAudit(tx, this.#deps.clock(), userId, 'document.add', cubeId, items.map((m) => m.id), {
          documentId,
          type: record.type,
          version: record.version,
          chunks: items.length,
          pages: record.pageCount,
          kept,
          ...(superseded !== null && { superseded: superseded.documentId }),
          ...(redacted > 0 && { redacted }),
        });
        return { document: record, unchanged: false, superseded };
      },
      { signal: options.signal },
    );
    options.onProgress?.({ phase: 'storing', done: items.length, total: items.length, unit: 'items' });
    // Chunks stored without vectors (the call said so, or the model was loading) get them in the background.
    if (!result.unchanged && vectors.length < items.length) void this.#deps.vectors()?.sync();
    return result;
  }

  /** Embeds chunks before they are stored, a step at a time (progress, abort); none while the model loads. */
  async #embed(items: readonly MemoryItem[], options: CallOptions) {
    const vectors = this.#deps.vectors();
    if (!vectors || items.length === 0) return [];
    const out = [];
    for (let i = 0; i < items.length; i += EMBED_STEP) {
      checkAborted(options.signal);
      const step = await vectors.embedIfReady(items.slice(i, i + EMBED_STEP), options.signal);
      if (step.length === 0) return out;
      out.push(...step);
      options.onProgress?.({ phase: 'embedding', done: Math.min(items.length, i + EMBED_STEP), total: items.length, unit: 'items' });
    }
    return out;
  }

  /** Archives the live chunks of a superseded version, each ending its validity now (frozen ones stay). */
  async #archiveChunks(tx: MemoryTx, changes: Parameters<typeof storeNewMemories>[1], old: DocumentRecord, next: DocumentRecord, userId: string, now: number): Promise<void> {
    const archived: string[] = [];
    for (const id of old.chunkIds) {
      const memory = await tx.objectStore('memories').get(id);
      if (!memory || !LIVE_STATES.includes(memory.state)) continue;
      const item: MemoryItem = { ...memory, state: 'archived', stateBefore: memory.state, validTo: now, updatedAt: now, version: memory.version + 1 };
      const reason = `document ${old.name} version ${next.version} superseded version ${old.version}`;
      await storeChangedMemory(tx, changes, memory, item, { by: userId, action: 'supersede', reason, changes: diffContent(contentOf(memory), contentOf(item)), stale: `memory ${id} was superseded` });
      archived.push(id);
    }
    if (archived.length > 0) await appendAudit(tx, now, userId, 'memory.supersede', old.cubeId, archived, { documentId: old.documentId, by: next.documentId });
  }

  /** The current version in a cube that passes `test`, if any. */
  async #current(cubeId: string, test: (d: DocumentRecord) => boolean): Promise<DocumentRecord | undefined> {
    const all = await this.#deps.store.read(['documents'], (tx) => tx.objectStore('documents').index('byCube').getAll(cubeId));
    return all.find((d) => d.supersededAt === null && test(d));
  }

  /** See MemoryApi.listDocuments. */
  async list(params: ListDocumentsParams): Promise<DocumentRecord[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    if (params.includeSuperseded !== undefined && typeof params.includeSuperseded !== 'boolean') throw new MemosError('INVALID_INPUT', 'includeSuperseded must be true or false.', { field: 'includeSuperseded' });
    return this.#deps.store.read(['cubes', 'documents'], async (tx) => {
      await cubeWithAccess(tx, cubeId, userId, 'read');
      const all = await tx.objectStore('documents').index('byCube').getAll(cubeId);
      return all.filter((d) => params.includeSuperseded === true || d.supersededAt === null).sort((a, b) => b.addedAt - a.addedAt);
    });
  }

  /** See MemoryApi.getDocument. */
  async get(params: { userId: string; documentId: string }): Promise<DocumentWithChunks> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const documentId = requireId(params.documentId, 'documentId');
    return this.#deps.store.read(['cubes', 'documents', 'memories'], async (tx) => {
      const { document, cube } = await documentWithAccess(tx, documentId, userId, 'read');
      const chunks: MemoryItem[] = [];
      for (const id of document.chunkIds) {
        const memory = await tx.objectStore('memories').get(id);
        if (memory && canSeeMemory(cube, memory, userId)) chunks.push(memory);
      }
      return { document, chunks };
    });
  }

  /** See MemoryApi.documentFile. */
  async file(params: { userId: string; documentId: string }): Promise<Uint8Array | null> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const documentId = requireId(params.documentId, 'documentId');
    return this.#deps.store.read(['cubes', 'documents', 'blobs'], async (tx) => {
      const { document } = await documentWithAccess(tx, documentId, userId, 'read');
      if (document.original === null) return null;
      const out = new Uint8Array(document.original.bytes);
      let at = 0;
      for (const id of document.original.blobIds) {
        const blob = await tx.objectStore('blobs').get(id);
        if (!blob) throw new MemosError('DOCUMENT_NOT_FOUND', 'A part of the kept file is missing.', { documentId });
        out.set(new Uint8Array(blob.data), at);
        at += blob.data.byteLength;
      }
      return out;
    });
  }

  /** See MemoryApi.deleteDocument. */
  async delete(params: { userId: string; documentId: string; reason?: string }): Promise<DeletedDocument> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const documentId = requireId(params.documentId, 'documentId');
    const reason = optionalReason(params.reason, 'reason');
    return this.#deps.store.write(DOCUMENT_STORES, async (tx, changes) => {
      const documents = tx.objectStore('documents');
      const { document: named } = await documentWithAccess(tx, documentId, userId, 'write');
      const now = this.#deps.clock();
      const chain: DocumentRecord[] = [];
      for (let d: DocumentRecord | undefined = named; d && chain.length < 10_000; d = d.previousId === null ? undefined : await documents.get(d.previousId)) chain.push(d);
      let chunks = 0;
      for (const document of chain) {
        for (const id of document.chunkIds) {
          const memory = await tx.objectStore('memories').get(id);
          if (!memory) continue;
          if (memory.state === 'frozen') throw new MemosError('MEMORY_FROZEN', `Chunk ${id} of the document is frozen: unfreeze it first.`, { memoryId: id });
          await removeMemory(tx as unknown as MemoryTx, changes, memory, now);
          chunks++;
        }
        for (const blobId of document.original?.blobIds ?? []) await tx.objectStore('blobs').delete(blobId);
        await documents.delete(document.documentId);
      }
      // A newer version that pointed at a deleted one now starts the chain.
      for (const d of await documents.index('byCube').getAll(named.cubeId)) {
        if (d.previousId !== null && chain.some((c) => c.documentId === d.previousId)) await documents.put({ ...d, previousId: null });
      }
      await appendAudit(tx, now, userId, 'document.delete', named.cubeId, [], { documentId, documents: chain.length, chunks, ...(reason !== undefined && { reason }) });
      return { documents: chain.length, chunks };
    });
  }
}

/** A transaction that can read documents and cubes (read-only or read-write, any wider scope). */
interface DocumentReader {
  objectStore(name: 'documents'): { get(key: string): Promise<DocumentRecord | undefined> };
  objectStore(name: 'cubes'): { get(key: string): Promise<CubeRecord | undefined> };
}

/**
 * Reads a document and its cube inside a transaction, checking the user's access to the cube.
 * @throws {MemosError} DOCUMENT_NOT_FOUND, FORBIDDEN
 */
async function documentWithAccess(tx: DocumentReader, documentId: string, userId: string, need: 'read' | 'write'): Promise<{ document: DocumentRecord; cube: CubeRecord }> {
  const document = await tx.objectStore('documents').get(documentId);
  if (!document) throw new MemosError('DOCUMENT_NOT_FOUND', undefined, { documentId });
  return { document, cube: await cubeWithAccess(tx, document.cubeId, userId, need) };
}

/** The kept bytes as blob records (checksummed like every blob). */
async function originalBlobsOf(documentId: string, cubeId: string, bytes: Uint8Array) {
  const blobs = [];
  for (let at = 0, i = 0; at < bytes.length || i === 0; at += ORIGINAL_CHUNK, i++) {
    const data = bytes.slice(at, at + ORIGINAL_CHUNK);
    blobs.push({ blobId: `${documentId}:${i}`, cubeId, memoryId: null, kind: 'document', chunk: i, data: data.buffer, checksum: await sha256Hex(data) });
  }
  return blobs;
}
