/**
 * Every committed change is announced on a BroadcastChannel named after the store, so that other tabs
 * (and their workers) bring their search indexes up to date. A tab does not hear its own messages.
 */

/** What a committed write changed. */
export interface StoreChange {
  /** Memories written or purged, by id. */
  readonly memoryIds: readonly string[];
  /** Cubes whose record (manifest, shares) changed, or whose memories changed. */
  readonly cubeIds: readonly string[];
  /** Users whose record changed. */
  readonly userIds: readonly string[];
  /** Whether a user or cube record changed (not only memories); absent from older writers. */
  readonly directory?: boolean;
  /** The change record's sequence number in the store's change log; absent from older writers. */
  readonly seq?: number;
}

/** A committed change as the store's change log keeps it (see Store.changesSince). */
export interface ChangeRecord extends StoreChange {
  readonly seq: number;
  /** When it committed (ms since the epoch, this device's clock). */
  readonly at: number;
}

/** Sends and receives change announcements for one store. */
export interface ChangeFeed {
  announce(change: StoreChange): void;
  subscribe(listener: (change: StoreChange) => void): () => void;
  close(): void;
}

function isStoreChange(value: unknown): value is StoreChange {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v['memoryIds']) && Array.isArray(v['cubeIds']) && Array.isArray(v['userIds']);
}

/** A change feed over a BroadcastChannel named `memos:<storeName>`. */
export function broadcastChangeFeed(storeName: string): ChangeFeed {
  const channel = new BroadcastChannel(`memos:${storeName}`);
  const listeners = new Set<(change: StoreChange) => void>();
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (!isStoreChange(event.data)) return;
    for (const listener of listeners) listener(event.data);
  };
  return {
    announce: (change) => channel.postMessage(change),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      listeners.clear();
      channel.close();
    },
  };
}
