/**
 * What one write changes, collected while its transaction runs. When the transaction commits, the
 * store turns it into a change record (kept in the "changes" store, in the same transaction), tells
 * this tab's listeners with the records as written, and announces it to other tabs by id.
 */
import type { MemoryItem } from '../core/memory-item';
import type { StoreChange } from './change-feed';

/** Collects what a write changes. */
export class ChangeSet {
  /** Every memory the write touched: written, removed, or given a new vector. */
  readonly memoryIds = new Set<string>();
  /** Cubes whose record (manifest, policy, shares) changed. */
  readonly cubeIds = new Set<string>();
  /** Users whose record (registered cubes, consent) changed. */
  readonly userIds = new Set<string>();
  readonly #memoryCubeIds = new Set<string>();
  readonly #written = new Map<string, MemoryItem>();
  readonly #removed = new Set<string>();
  readonly #afterCommit: (() => void)[] = [];

  /** Notes memories of a cube the write touched without changing their record (their vectors). */
  memories(cubeId: string, ids: Iterable<string>): void {
    this.#memoryCubeIds.add(cubeId);
    for (const id of ids) this.memoryIds.add(id);
  }

  /** Notes a memory record as this write stored it (the last note of an id wins). */
  wrote(item: MemoryItem): void {
    this.memories(item.cubeId, [item.id]);
    this.#removed.delete(item.id);
    this.#written.set(item.id, item);
  }

  /** Notes a memory this write removed for good. */
  removed(cubeId: string, id: string): void {
    this.memories(cubeId, [id]);
    this.#written.delete(id);
    this.#removed.add(id);
  }

  /** Runs `fn` once the write has committed (never when it aborts), before the write resolves. */
  afterCommit(fn: () => void): void {
    this.#afterCommit.push(fn);
  }

  /** The memory records written, as they were stored. */
  get written(): readonly MemoryItem[] {
    return [...this.#written.values()];
  }

  /** The memories removed. */
  get removedIds(): readonly string[] {
    return [...this.#removed];
  }

  /** Tells whether nothing was noted. */
  get empty(): boolean {
    return this.memoryIds.size === 0 && this.cubeIds.size === 0 && this.#memoryCubeIds.size === 0 && this.userIds.size === 0;
  }

  /** Tells whether a user or cube record changed (who may read what). */
  get directory(): boolean {
    return this.cubeIds.size > 0 || this.userIds.size > 0;
  }

  /** The plain form that is kept and announced; `seq` is the change record's place in the log. */
  toChange(seq?: number): StoreChange {
    return {
      memoryIds: [...this.memoryIds],
      cubeIds: [...new Set([...this.cubeIds, ...this.#memoryCubeIds])],
      userIds: [...this.userIds],
      directory: this.directory,
      ...(seq !== undefined && { seq }),
    };
  }

  /** Runs the after-commit callbacks (the store calls this once, after commit). */
  runAfterCommit(): void {
    for (const fn of this.#afterCommit.splice(0)) fn();
  }
}
