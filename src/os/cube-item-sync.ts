/**
 * KV cubes (activations) and adapter cubes on the wire (decision 0031): each one a document whose body
 * is its entry, sealed, and whose attachment is its stored chunks, concatenated and sealed. Entries
 * larger than the sync's limit stay on their device (counted). The fields that are each device's own —
 * the chat sessions a KV cube prefixes, its timings, usage; whether an adapter is merged and how
 * strongly — are left out when sending and kept when receiving. A removed cube leaves a mark that
 * removes it on the other devices. An entry whose chunks did not change (a KV cube marked stale) is
 * sent again without its attachment.
 */
import type { ActivationItem } from '../core/activation-item';
import type { AdapterItem } from '../core/adapter-item';
import { MemosError } from '../core/errors';
import type { Clock } from '../core/ids';
import { sha256Hex, textHash } from '../core/hash';
import { deleteRevisions, type PouchDatabase, type PouchDoc } from '../sync/pouch';
import { fromBase64, open, openBytes, opaqueId, seal, sealBytes, toBase64, type CubeKeys } from '../sync/sync-crypto';
import { checkPayload, docName, type RemovedCubeItem, type SyncedBlob, type SyncedCubeItem, type SyncPayload } from '../sync/sync-documents';
import type { BlobRecord } from '../storage/schema';
import type { Store } from '../storage/store';
import { appendAudit } from './audit-log';

/** What one synced cube's KV and adapter sync works with. */
export interface CubeItemSyncContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly userId: string;
  readonly cubeId: string;
  readonly keys: CubeKeys;
  readonly local: PouchDatabase;
  /** Entries whose stored bytes exceed this are not sent. */
  readonly limitBytes: number;
  /** Per entry id, its kind: what this device sent or received (kept in the checkpoint), so removals are noticed. */
  readonly items: Record<string, 'activation' | 'adapter'>;
  /** Per entry id, a hash of what was last sent or received. */
  readonly sent: Map<string, string>;
  readonly counts: { kvAndAdaptersSent: number; kvAndAdaptersReceived: number; kvAndAdaptersTooLarge: number };
}

type Kind = 'activation' | 'adapter';
type Entry = ActivationItem | AdapterItem;
const STORE_OF = { activation: 'activations', adapter: 'adapters' } as const;
const SENT_KEY = (id: string): string => `item:${id}`;

/** The entry without what is each device's own. */
function shareable(kind: Kind, item: Entry): Entry {
  const usage = { accessCount: 0, lastAccessAt: null, hits: [] };
  if (kind === 'activation') {
    const { timings: _timings, ...rest } = item as ActivationItem;
    return { ...rest, sessions: [], usage };
  }
  return { ...(item as AdapterItem), active: false, weight: 1, usage };
}

/** The entry as this device keeps it: what arrived, with this device's own fields from what it had. */
function withOwnFields(kind: Kind, arrived: Entry, had: Entry | undefined): Entry {
  if (!had) return arrived;
  if (kind === 'activation') {
    const h = had as ActivationItem;
    return { ...(arrived as ActivationItem), sessions: h.sessions, usage: h.usage, ...(h.timings && { timings: h.timings }) };
  }
  const h = had as AdapterItem;
  return { ...(arrived as AdapterItem), active: h.active, weight: h.weight, usage: h.usage };
}

const entryHash = (kind: Kind, item: Entry): string => textHash(JSON.stringify([kind, shareable(kind, item)]));
const sameChunks = (a: readonly SyncedBlob[], b: readonly SyncedBlob[]): boolean => a.length === b.length && a.every((x, i) => x.checksum === b[i]!.checksum && x.length === b[i]!.length && x.blobId === b[i]!.blobId);

function chunksOf(blobs: readonly BlobRecord[]): SyncedBlob[] {
  return [...blobs].sort((a, b) => a.chunk - b.chunk).map((b) => ({ blobId: b.blobId, kind: b.kind, chunk: b.chunk, length: b.data.byteLength, checksum: b.checksum }));
}

/** Puts a document over its current revision. */
async function putOver(local: PouchDatabase, doc: PouchDoc, current: PouchDoc | undefined): Promise<void> {
  await local.put({ ...doc, ...(current?._rev && { _rev: current._rev }) });
}

/** Seals this device's new or changed KV and adapter cubes (and marks for removed ones) into the local database. */
export async function pushCubeItems(ctx: CubeItemSyncContext): Promise<void> {
  const { activations, adapters } = await ctx.store.read(['activations', 'adapters'], async (tx) => ({
    activations: await tx.objectStore('activations').index('byCube').getAll(ctx.cubeId),
    adapters: await tx.objectStore('adapters').index('byCube').getAll(ctx.cubeId),
  }));
  const entries: [Kind, Entry][] = [...activations.map((a): [Kind, Entry] => ['activation', a]), ...adapters.map((a): [Kind, Entry] => ['adapter', a])];
  const present = new Set(entries.map(([, item]) => item.id));
  let tooLarge = 0;
  for (const [kind, item] of entries) {
    if (item.bytes > ctx.limitBytes) {
      tooLarge++;
      continue;
    }
    const hash = entryHash(kind, item);
    if (ctx.sent.get(SENT_KEY(item.id)) === hash) continue;
    const docId = await opaqueId(ctx.keys, docName.item(item.id));
    const current = await ctx.local.get(docId).catch(() => undefined);
    const before = current ? (checkPayload(await open(ctx.keys, docId, current), docId) as SyncPayload) : undefined;
    if (before?.kind === kind && entryHash(kind, before.item) === hash) {
      ctx.sent.set(SENT_KEY(item.id), hash);
      ctx.items[item.id] = kind;
      continue;
    }
    const blobs = await ctx.store.read(['blobs'], (tx) => tx.objectStore('blobs').index('byMemory').getAll(item.id));
    const chunks = chunksOf(blobs);
    let doc: PouchDoc;
    if (before?.kind === kind && sameChunks(before.blobs, chunks) && current?.['_attachments']) {
      // The same chunks: the new entry, the attachment already there.
      const payload: SyncedCubeItem = { kind, item: shareable(kind, item), blobs: chunks, attachmentIv: before.attachmentIv };
      doc = { _id: docId, ...(await seal(ctx.keys, docId, payload)), _attachments: current['_attachments'] };
    } else {
      const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const blob of [...blobs].sort((a, b) => a.chunk - b.chunk)) {
        joined.set(new Uint8Array(blob.data), at);
        at += blob.data.byteLength;
      }
      const sealed = await sealBytes(ctx.keys, docId, joined);
      const payload: SyncedCubeItem = { kind, item: shareable(kind, item), blobs: chunks, attachmentIv: sealed.iv };
      doc = { _id: docId, ...(await seal(ctx.keys, docId, payload)), _attachments: { data: { content_type: 'application/octet-stream', data: toBase64(sealed.ct) } } };
    }
    await putOver(ctx.local, doc, current);
    ctx.sent.set(SENT_KEY(item.id), hash);
    ctx.items[item.id] = kind;
    ctx.counts.kvAndAdaptersSent++;
  }
  ctx.counts.kvAndAdaptersTooLarge = tooLarge;
  for (const [id, kind] of Object.entries(ctx.items)) {
    if (present.has(id)) continue;
    const docId = await opaqueId(ctx.keys, docName.item(id));
    const current = await ctx.local.get(docId).catch(() => undefined);
    const mark: RemovedCubeItem = { kind: 'removed', what: kind, id };
    await putOver(ctx.local, { _id: docId, ...(await seal(ctx.keys, docId, mark)) }, current);
    delete ctx.items[id];
    ctx.sent.delete(SENT_KEY(id));
  }
}

/**
 * Applies a KV or adapter cube (or its removal) that arrived. Its chunks are checked against the
 * checksums the sealed entry lists.
 * @throws {MemosError} SYNC_TAMPERED when the document is not the entry's own or its attachment fails
 */
export async function applyCubeItem(ctx: CubeItemSyncContext, doc: PouchDoc, payload: SyncedCubeItem | RemovedCubeItem): Promise<void> {
  const id = payload.kind === 'removed' ? payload.id : payload.item.id;
  if ((await opaqueId(ctx.keys, docName.item(id))) !== doc._id) throw new MemosError('SYNC_TAMPERED', `Document ${doc._id} holds a cube entry that is not its own.`, { docId: doc._id });
  if (payload.kind !== 'removed' && payload.item.cubeId !== ctx.cubeId) throw new MemosError('SYNC_TAMPERED', `Document ${doc._id} holds an entry of another cube.`, { docId: doc._id });
  // Concurrent revisions of an entry: PouchDB's winner stands, the others go.
  await deleteRevisions(ctx.local, doc._id, doc._conflicts ?? []);
  const kind = payload.kind === 'removed' ? payload.what : payload.kind;
  const storeName = STORE_OF[kind];
  if (payload.kind === 'removed') {
    await ctx.store.write(['activations', 'adapters', 'blobs', 'audit'], async (tx) => {
      const had = await tx.objectStore(storeName).get(id);
      if (!had || had.cubeId !== ctx.cubeId) return;
      await tx.objectStore(storeName).delete(id);
      for (const key of await tx.objectStore('blobs').index('byMemory').getAllKeys(id)) await tx.objectStore('blobs').delete(key);
      await appendAudit(tx, ctx.clock(), ctx.userId, kind === 'activation' ? 'activation.sync' : 'adapter.sync', ctx.cubeId, [id], { removed: true });
    });
    delete ctx.items[id];
    ctx.sent.delete(SENT_KEY(id));
    ctx.counts.kvAndAdaptersReceived++;
    return;
  }
  const had = await ctx.store.read([storeName, 'blobs'], async (tx) => ({
    item: (await tx.objectStore(storeName).get(id)) as Entry | undefined,
    blobs: await tx.objectStore('blobs').index('byMemory').getAll(id),
  }));
  if (had.item && had.item.version > payload.item.version) return; // this device's is newer: it goes out with the next push
  if (had.item && entryHash(kind, had.item) === entryHash(kind, payload.item)) {
    // What this device holds already (its own document, read back from the local feed): nothing to apply.
    ctx.items[id] = kind;
    ctx.sent.set(SENT_KEY(id), entryHash(kind, payload.item));
    return;
  }
  let blobs: BlobRecord[] | undefined;
  if (!had.item || !sameChunks(chunksOf(had.blobs), payload.blobs)) {
    const full = await ctx.local.get(doc._id, { attachments: true });
    const data = (full['_attachments'] as { data?: { data?: string } } | undefined)?.data?.data;
    if (typeof data !== 'string') throw new MemosError('SYNC_TAMPERED', `Document ${doc._id} lacks its attachment.`, { docId: doc._id });
    const bytes = await openBytes(ctx.keys, doc._id, payload.attachmentIv, fromBase64(data));
    blobs = [];
    let at = 0;
    for (const chunk of payload.blobs) {
      const part = bytes.slice(at, at + chunk.length);
      at += chunk.length;
      if ((await sha256Hex(part)) !== chunk.checksum) throw new MemosError('SYNC_TAMPERED', `A chunk of document ${doc._id} does not match its checksum.`, { docId: doc._id });
      blobs.push({ blobId: chunk.blobId, cubeId: ctx.cubeId, memoryId: id, kind: chunk.kind, chunk: chunk.chunk, data: part.buffer, checksum: chunk.checksum });
    }
    if (at !== bytes.byteLength) throw new MemosError('SYNC_TAMPERED', `The attachment of document ${doc._id} is not the size its chunks add up to.`, { docId: doc._id });
  }
  const item = withOwnFields(kind, payload.item, had.item);
  await ctx.store.write(['activations', 'adapters', 'blobs', 'audit'], async (tx) => {
    if (blobs) {
      for (const key of await tx.objectStore('blobs').index('byMemory').getAllKeys(id)) await tx.objectStore('blobs').delete(key);
      for (const blob of blobs) await tx.objectStore('blobs').put(blob);
    }
    if (kind === 'activation') await tx.objectStore('activations').put(item as ActivationItem);
    else await tx.objectStore('adapters').put(item as AdapterItem);
    await appendAudit(tx, ctx.clock(), ctx.userId, kind === 'activation' ? 'activation.sync' : 'adapter.sync', ctx.cubeId, [id], { bytes: item.bytes, chunks: blobs ? blobs.length : 0 });
  });
  ctx.items[id] = kind;
  ctx.sent.set(SENT_KEY(id), entryHash(kind, payload.item));
  ctx.counts.kvAndAdaptersReceived++;
}
