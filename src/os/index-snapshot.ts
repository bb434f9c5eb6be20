/**
 * The search index saved as data in IndexedDB ("snapshots" store), so that opening a store restores it
 * instead of reading and tokenizing every memory (decision 0028). A snapshot is a cache, never the
 * truth: it is taken only when the index holds every logged change, names that position, and opening
 * replays the changes since (the memories they name are read back, as another tab's change is); a
 * write that purges memories deletes it in the same transaction; a snapshot that is missing, made by
 * other word rules or another format, damaged, or older than the change log reaches, is ignored and the
 * index is rebuilt from the memories as before (then saved again at idle time).
 */
import type { MemoryItem } from '../core/memory-item';
import type { CallOptions } from '../protocol/memory-types';
import type { VectorMemory, VectorSnapshot } from '../memory/vector-memory';
import type { MemoryIndex } from '../search/memory-index';
import type { TextIndexState } from '../search/text-index';
import { issueRequests } from '../storage/requests';
import type { Store } from '../storage/store';
import { applyStoredChange } from './index-keeping';
import { checkAborted } from './validate';
import type { SnapshotOutcome } from './snapshot-outcome';

export type { SnapshotOutcome };

/** The layout of the saved parts; another value is not read. */
export const INDEX_SNAPSHOT_FORMAT = 1;

/** Records per saved part (one IndexedDB value each). */
const RECORDS_PER_PART = 10_000;

const META = 'index:meta';
const TEXT = 'index:text';
const VECTORS = 'index:vectors';
const recordsKey = (i: number) => `index:records:${i}`;

interface SnapshotMeta {
  readonly format: number;
  readonly seq: number;
  readonly at: number;
  readonly termsKey: string;
  readonly count: number;
  readonly parts: number;
  readonly cubeLanguages: readonly (readonly [string, string])[];
}

function isMeta(value: unknown): value is SnapshotMeta {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    m['format'] === INDEX_SNAPSHOT_FORMAT &&
    Number.isSafeInteger(m['seq']) && (m['seq'] as number) >= 0 &&
    typeof m['termsKey'] === 'string' &&
    Number.isSafeInteger(m['count']) && Number.isSafeInteger(m['parts']) &&
    Array.isArray(m['cubeLanguages'])
  );
}

/*
 * Lists of strings are saved as one JSON string each: IndexedDB reads one long string much faster
 * than 100,000 short ones (measured at 100k memories in Chromium).
 */

function parsedList(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function unpackText(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  return { ...d, ids: parsedList(d['ids']), words: parsedList(d['words']) };
}

function unpackVectors(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const index = typeof d['index'] === 'object' && d['index'] !== null ? (d['index'] as Record<string, unknown>) : {};
  return { ...d, index: { ...index, ids: parsedList(index['ids']) }, hashes: parsedList(d['hashes']) };
}

/** What a tab knows of the changes its index holds (see IndexSnapshots). */
export interface AppliedChanges {
  /** Every change up to this one is in the index. */
  readonly floor: number;
  /** Changes after the floor that are in the index too. */
  readonly applied: ReadonlySet<number>;
}

/**
 * Saves the index as it is now, if it holds every change the log has: the snapshot's position is then
 * the newest logged change. Replaces the previous snapshot in one transaction, opened at once (so a
 * close right after still saves it). Resolves with the position saved at and how many records, or
 * null when nothing was saved: a logged change is not in the index yet (another tab's, still on its
 * way — perhaps a purge, whose words a snapshot must never keep), or a newer snapshot exists.
 */
export function saveIndexSnapshot(store: Store, index: MemoryIndex, vectors: VectorMemory | undefined, known: AppliedChanges, at: number): Promise<{ seq: number; count: number } | null> {
  return store.writeAtOnce(['snapshots', 'changes'], async (tx) => {
    const parts = tx.objectStore('snapshots');
    const logged = await tx.objectStore('changes').getAllKeys(IDBKeyRange.lowerBound(known.floor, true));
    if (logged.some((seq) => !known.applied.has(seq))) return null;
    const seq = logged.at(-1) ?? known.floor;
    const previous = (await parts.get(META))?.data;
    if (isMeta(previous) && previous.seq > seq) return null;
    // From here on every request is issued without awaiting: each put serializes its value at once,
    // so what is saved is the index as it is in this instant.
    const snapshot = index.exportSnapshot();
    const vectorSnapshot = vectors?.exportSnapshot();
    const count = snapshot.records.length;
    const partCount = Math.ceil(count / RECORDS_PER_PART);
    const meta: SnapshotMeta = { format: INDEX_SNAPSHOT_FORMAT, seq, at, termsKey: snapshot.termsKey, count, parts: partCount, cubeLanguages: snapshot.cubeLanguages };
    await issueRequests((add) => {
      add(parts.delete(IDBKeyRange.bound('index:', 'index;', false, true)));
      add(parts.put({ key: TEXT, data: { ...snapshot.text, ids: JSON.stringify(snapshot.text.ids), words: JSON.stringify(snapshot.text.words) } }));
      if (vectorSnapshot) {
        const { index: vectorIndex, hashes } = vectorSnapshot;
        add(parts.put({ key: VECTORS, data: { ...vectorSnapshot, index: { ...vectorIndex, ids: JSON.stringify(vectorIndex.ids) }, hashes: JSON.stringify(hashes) } }));
      }
      for (let i = 0; i < partCount; i++) add(parts.put({ key: recordsKey(i), data: snapshot.records.slice(i * RECORDS_PER_PART, (i + 1) * RECORDS_PER_PART) }));
      add(parts.put({ key: META, data: meta }));
    });
    return { seq, count };
  });
}

/**
 * Restores the index from the saved snapshot and replays the changes logged since. On any outcome but
 * `restored`, the index is left empty for the caller to rebuild.
 */
export async function restoreIndexSnapshot(store: Store, index: MemoryIndex, vectors: VectorMemory | undefined, options: CallOptions = {}): Promise<SnapshotOutcome> {
  if (!store.db.objectStoreNames.contains('snapshots')) return { restored: false, reason: 'missing' };
  const saved = await store.read(['snapshots'], async (tx) => {
    const parts = tx.objectStore('snapshots');
    const meta = (await parts.get(META))?.data;
    if (!isMeta(meta)) return { meta: undefined, found: meta !== undefined };
    if (meta.termsKey !== index.termsKey) return { meta, found: true, otherRules: true };
    const [text, vectorPart, ...records] = await issueRequests<{ data: unknown } | undefined>((add) => {
      add(parts.get(TEXT));
      add(vectors ? parts.get(VECTORS) : Promise.resolve(undefined));
      for (let i = 0; i < meta.parts; i++) add(parts.get(recordsKey(i)));
    });
    return { meta, found: true, text: unpackText(text?.data), vectors: unpackVectors(vectorPart?.data), records: records.map((r) => r?.data) };
  });
  if (!saved.meta) return { restored: false, reason: saved.found ? 'damaged' : 'missing' };
  if ('otherRules' in saved) return { restored: false, reason: 'other-rules' };
  const { meta } = saved;
  if (meta.seq > (await store.lastChangeSeq())) return { restored: false, reason: 'damaged' };
  const records = saved.records ?? [];
  if (!records.every(Array.isArray) || records.reduce((n, r) => n + (r as unknown[]).length, 0) !== meta.count) return { restored: false, reason: 'damaged' };
  options.onProgress?.({ phase: 'index', done: 0, total: meta.count, unit: 'items' });
  try {
    index.importSnapshot({ termsKey: meta.termsKey, cubeLanguages: meta.cubeLanguages, records: (records as MemoryItem[][]).flat(), text: saved.text as TextIndexState });
  } catch {
    return { restored: false, reason: 'damaged' };
  }
  // The vectors come back too when they are this model's and whole; else the caller loads the blocks.
  const vectorsRestored = vectors !== undefined && typeof saved.vectors === 'object' && saved.vectors !== null && vectors.importSnapshot(saved.vectors as VectorSnapshot);
  const replay = await replaySince(store, index, vectorsRestored ? vectors : undefined, meta.seq, Math.max(1000, meta.count / 4));
  if (replay === undefined || replay === 'too-many') {
    index.clear();
    return { restored: false, reason: replay === 'too-many' ? 'many-changes' : 'too-old' };
  }
  options.onProgress?.({ phase: 'index', done: index.size, total: index.size, unit: 'items' });
  checkAborted(options.signal);
  return { restored: true, seq: Math.max(meta.seq, replay.seq), replayed: replay.read, vectors: vectorsRestored };
}

/**
 * Applies every change logged after `seq` to the index: the memories named are read back as stored
 * (indexed) or found gone (removed), and their vectors read again. Returns how many memories were read
 * and the newest change seen; undefined when the log no longer reaches back to `seq`, "too-many" when
 * the changes name more than `most` memories.
 */
async function replaySince(store: Store, index: MemoryIndex, vectors: VectorMemory | undefined, seq: number, most: number): Promise<{ read: number; seq: number } | 'too-many' | undefined> {
  const ids = new Set<string>();
  let after = seq;
  for (;;) {
    const { changes, truncated } = await store.changesSince(after);
    if (truncated) return undefined;
    for (const change of changes) for (const id of change.memoryIds) ids.add(id);
    if (changes.length > 0) after = changes[changes.length - 1]!.seq;
    if (changes.length < 1000) break;
  }
  // Reading memories one by one costs more than reading them all in order: past this, rebuild.
  if (ids.size > most) return 'too-many';
  const list = [...ids];
  // Each batch is applied as another tab's change would be.
  for (let i = 0; i < list.length; i += 500) await applyStoredChange(store, { memoryIds: list.slice(i, i + 500), cubeIds: [], userIds: [] }, index, [vectors]);
  return { read: list.length, seq: after };
}

/**
 * Keeps track of which changes the index holds, and saves it when it moved on: at idle, on the
 * periodic sweep and on close (see MemOS).
 */
export class IndexSnapshots {
  readonly #store: Store;
  readonly #index: MemoryIndex;
  readonly #clock: () => number;
  /** Every change up to this one is in the index. */
  #floor = 0;
  /** Changes after the floor in the index (this tab's commits, other tabs' changes as applied). */
  readonly #applied = new Set<number>();
  /** The position of the snapshot saved or restored last (-1: none). */
  #savedSeq = -1;
  #saving: Promise<number> | undefined;

  readonly #vectors: () => VectorMemory | undefined;

  /** @param vectors - the vectors of the current embedder, saved and restored with the index */
  constructor(store: Store, index: MemoryIndex, vectors: () => VectorMemory | undefined, clock: () => number) {
    this.#store = store;
    this.#index = index;
    this.#vectors = vectors;
    this.#clock = clock;
  }

  /** Notes a change the index has applied (this tab's commit or another tab's change). */
  applied(seq: number | undefined): void {
    if (seq !== undefined && seq > this.#floor) this.#applied.add(seq);
  }

  /**
   * Fills the index: from the snapshot when one can be used, else by `rebuild`. Returns what happened
   * to the snapshot (restored, with the vectors or not, or why not). The caller loads the vectors
   * from their blocks unless they were restored.
   */
  async open(rebuild: () => Promise<unknown>, options: CallOptions = {}): Promise<SnapshotOutcome> {
    const outcome = await restoreIndexSnapshot(this.#store, this.#index, this.#vectors(), options);
    if (outcome.restored) {
      this.#floor = outcome.seq;
      this.#savedSeq = outcome.seq;
      return outcome;
    }
    // Read before the rebuild: changes committed while it runs reach the index as they come.
    this.#floor = await this.#store.lastChangeSeq();
    await rebuild();
    return outcome;
  }

  /** Whether the index holds changes the saved snapshot does not. */
  get behind(): boolean {
    return this.#applied.size > 0 || this.#savedSeq !== this.#floor;
  }

  /**
   * Saves the index if it moved on since the last snapshot; the transaction opens at once (a close
   * right after still saves it). Resolves with how many records were saved (0: none). Never rejects:
   * a save that fails (a full disk, a closed store) is tried again at the next occasion.
   */
  save(): Promise<number> {
    if (!this.behind) return Promise.resolve(0);
    if (this.#saving) return this.#saving;
    const run = saveIndexSnapshot(this.#store, this.#index, this.#vectors(), { floor: this.#floor, applied: new Set(this.#applied) }, this.#clock()).then((saved) => {
      if (!saved) return 0;
      this.#floor = Math.max(this.#floor, saved.seq);
      for (const seq of this.#applied) if (seq <= this.#floor) this.#applied.delete(seq);
      this.#savedSeq = saved.seq;
      return saved.count;
    }, () => 0);
    this.#saving = run.finally(() => (this.#saving = undefined));
    return this.#saving;
  }

  /** The index was rebuilt by hand: whatever was saved is to be replaced. */
  rebuilt(): void {
    this.#savedSeq = -1;
  }
}
