/**
 * Reading and writing vectors in blocks (VectorBlockRecord): many memories' vectors of one model in
 * one IndexedDB record. An add writes its batch's vectors as one block; replacing or purging a
 * memory's vector rewrites the blocks that hold it without it. See docs/decisions/0021-vector-blocks.md.
 */
import { newId } from '../core/ids';
import { issueRequests } from '../storage/requests';
import type { VectorBlockRecord } from '../storage/schema';
import type { Store, WriteTx } from '../storage/store';

/** One memory's vector as written: model, cube, and the hash of the text it was made from. */
export interface StoredVector {
  readonly memoryId: string;
  readonly cubeId: string;
  /** The embedder's fingerprint key (see fingerprintKey). */
  readonly model: string;
  readonly vector: Float32Array;
  readonly textHash: string;
}

/** Vectors per block at most: a larger batch is split (a block of 1,000 × 384-d is 1.5 MB). */
export const MAX_BLOCK = 1000;

/** Blocks with fewer vectors than this (single adds: a chat turn each) are merged at idle time. */
export const SMALL_BLOCK = 64;

/** What compaction needs to know of a block without reading it. */
export interface BlockSummary {
  readonly blockId: string;
  readonly cubeId: string;
  readonly count: number;
}

type BlocksTx = WriteTx;

/** What finding blocks needs of a transaction, read-only or not. */
interface BlockReader {
  objectStore(name: 'vectorBlocks'): {
    index(name: 'byMemory'): { getAllKeys(key: string): Promise<string[]> };
    get(key: string): Promise<VectorBlockRecord | undefined>;
  };
}

/** The vectors of a block, one by one. */
export function vectorsOf(block: VectorBlockRecord): StoredVector[] {
  const d = block.dimension;
  return block.memoryIds.map((memoryId, i) => ({
    memoryId,
    cubeId: block.cubeId,
    model: block.model,
    vector: block.data.slice(i * d, (i + 1) * d),
    textHash: block.textHashes[i]!,
  }));
}

/** The blocks holding any of these memories' vectors (of every model), each once. */
export async function blocksHolding(tx: BlockReader, memoryIds: readonly string[]): Promise<VectorBlockRecord[]> {
  const index = tx.objectStore('vectorBlocks').index('byMemory');
  const keys = await issueRequests<string[]>((add) => memoryIds.forEach((id) => add(index.getAllKeys(id))));
  const distinct = [...new Set(keys.flat())];
  const blocks = await issueRequests<VectorBlockRecord | undefined>((add) => distinct.forEach((key) => add(tx.objectStore('vectorBlocks').get(key))));
  return blocks.filter((b): b is VectorBlockRecord => b !== undefined);
}

/**
 * Takes these memories' vectors out of the blocks that hold them — of one model, or of every model
 * when `model` is null (a purge) — rewriting each such block without them, or deleting it when
 * nothing is left.
 */
export async function dropVectors(tx: BlocksTx, memoryIds: readonly string[], model: string | null): Promise<void> {
  if (memoryIds.length === 0) return;
  const gone = new Set(memoryIds);
  const store = tx.objectStore('vectorBlocks');
  for (const block of await blocksHolding(tx, memoryIds)) {
    if (model !== null && block.model !== model) continue;
    const keep = block.memoryIds.flatMap((id, i) => (gone.has(id) ? [] : [i]));
    if (keep.length === 0) {
      await store.delete(block.blockId);
      continue;
    }
    const d = block.dimension;
    const data = new Float32Array(keep.length * d);
    keep.forEach((i, j) => data.set(block.data.subarray(i * d, (i + 1) * d), j * d));
    await store.put({ ...block, memoryIds: keep.map((i) => block.memoryIds[i]!), textHashes: keep.map((i) => block.textHashes[i]!), data });
  }
}

/** Items by cube, in their order: blocks never mix cubes. */
function groupByCube<T extends { readonly cubeId: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.cubeId);
    if (group) group.push(item);
    else groups.set(item.cubeId, [item]);
  }
  return groups;
}

/**
 * Writes vectors of one model as blocks (by cube, at most {@link MAX_BLOCK} each). Vectors these
 * memories already had for the model are dropped first, unless the caller knows there are none
 * (`fresh`: memories created in this transaction).
 */
export async function writeVectors(tx: BlocksTx, records: readonly StoredVector[], options: { fresh: boolean }): Promise<BlockSummary[]> {
  if (records.length === 0) return [];
  const model = records[0]!.model;
  if (!options.fresh) await dropVectors(tx, records.map((r) => r.memoryId), model);
  const byCube = groupByCube(records);
  const written: BlockSummary[] = [];
  await issueRequests((add) => {
    for (const [cubeId, group] of byCube) {
      for (let start = 0; start < group.length; start += MAX_BLOCK) {
        const block = blockOf(model, cubeId, group.slice(start, start + MAX_BLOCK));
        add(tx.objectStore('vectorBlocks').put(block));
        written.push({ blockId: block.blockId, cubeId, count: block.memoryIds.length });
      }
    }
  });
  return written;
}

function blockOf(model: string, cubeId: string, part: readonly StoredVector[]): VectorBlockRecord {
  const dimension = part[0]!.vector.length;
  const data = new Float32Array(part.length * dimension);
  part.forEach((r, i) => data.set(r.vector, i * dimension));
  return { blockId: newId('vb'), model, cubeId, memoryIds: part.map((r) => r.memoryId), textHashes: part.map((r) => r.textHash), dimension, data };
}

/**
 * Merges small blocks of one model, cube by cube, into blocks of up to {@link MAX_BLOCK} vectors, each
 * merge in one transaction (the vectors stay the same; only how they are stored changes). Blocks
 * gone or grown since they were listed are left as they are. Returns how many blocks were merged
 * away and the small blocks there are afterwards (of those listed and written).
 */
export async function mergeSmallBlocks(store: Store, model: string, small: readonly BlockSummary[]): Promise<{ merged: number; stillSmall: BlockSummary[] }> {
  const byCube = groupByCube(small);
  let merged = 0;
  // Small blocks after the merge: ones left alone, and merged ones that are still small.
  const stillSmall: BlockSummary[] = [];
  for (const [cubeId, blocks] of byCube) {
    for (let start = 0; start < blocks.length; ) {
      // As many small blocks as fit in one.
      const group: BlockSummary[] = [];
      let total = 0;
      while (start < blocks.length && total + blocks[start]!.count <= MAX_BLOCK) {
        total += blocks[start]!.count;
        group.push(blocks[start++]!);
      }
      if (group.length === 0) start++;
      if (group.length < 2) {
        stillSmall.push(...group);
        continue;
      }
      const result = await store.write(['vectorBlocks'], async (tx) => {
        const found = await issueRequests<VectorBlockRecord | undefined>((add) => group.forEach((b) => add(tx.objectStore('vectorBlocks').get(b.blockId))));
        const current = found.filter((b): b is VectorBlockRecord => b !== undefined && b.model === model && b.memoryIds.length < SMALL_BLOCK);
        if (current.length < 2) return undefined;
        const block = blockOf(model, cubeId, current.flatMap(vectorsOf));
        await issueRequests((add) => {
          for (const b of current) add(tx.objectStore('vectorBlocks').delete(b.blockId));
          add(tx.objectStore('vectorBlocks').put(block));
        });
        return { merged: current.length, summary: { blockId: block.blockId, cubeId, count: block.memoryIds.length } };
      });
      if (result) {
        merged += result.merged;
        if (result.summary.count < SMALL_BLOCK) stillSmall.push(result.summary);
      }
    }
  }
  return { merged, stillSmall };
}

/**
 * Deletes every stored block of a model no longer used (after a change of model has re-embedded every
 * memory), up to `batch` blocks per transaction. Returns how many blocks went.
 */
export async function dropModelBlocks(store: Store, model: string, batch = 200): Promise<number> {
  let dropped = 0;
  for (;;) {
    const count = await store.write(['vectorBlocks'], async (tx) => {
      const keys = await tx.objectStore('vectorBlocks').index('byModel').getAllKeys(model, batch);
      await issueRequests((add) => keys.forEach((key) => add(tx.objectStore('vectorBlocks').delete(key))));
      return keys.length;
    });
    dropped += count;
    if (count < batch) return dropped;
  }
}
