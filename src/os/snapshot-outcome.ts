/**
 * What opening a store did with its saved search index (see index-snapshot.ts). A file of its own so
 * that MemOS's public types do not pull in the storage layer's.
 */

/** What opening from a snapshot did: restored, or why not (the index was then rebuilt). */
export type SnapshotOutcome =
  | {
      readonly restored: true;
      /** The newest change the index now holds. */
      readonly seq: number;
      /** How many memories the replay read back. */
      readonly replayed: number;
      /** Whether the current embedder's vectors came back too (else they were loaded from their blocks). */
      readonly vectors: boolean;
    }
  | { readonly restored: false; readonly reason: 'missing' | 'other-rules' | 'damaged' | 'too-old' | 'many-changes' };
