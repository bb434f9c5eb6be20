/**
 * What sync keeps on this device only, in the secrets store (never exported, never synced): cube keys
 * the user chose to remember — sealed under a non-extractable device key (src/sync/key-grants.ts) —
 * with the server to resume with, and each user's sync identity (an ECDH key pair whose private half
 * cannot be read out of WebCrypto).
 */
import type { CubeKeys } from '../sync/sync-crypto';
import { newIdentity, sealForDevice } from '../sync/key-grants';
import type { RememberedSync, SyncIdentityRecord } from '../storage/schema';
import type { Store } from '../storage/store';

/** Keeps a cube's key and server on this device (replacing what was kept for that cube). */
export async function rememberSync(
  store: Store,
  at: number,
  what: { userId: string; cubeId: string; url: string; database: string; credentials?: { readonly username: string; readonly password: string } },
  keys: CubeKeys,
): Promise<void> {
  const sealed = await sealForDevice(keys);
  const record: RememberedSync = { key: `sync:${what.cubeId}`, kind: 'sync', ...what, ...sealed, rememberedAt: at };
  await store.write(['secrets'], async (tx) => {
    await tx.objectStore('secrets').put(record);
  });
}

/** The syncs this device remembers for a user. */
export async function rememberedSyncs(store: Store, userId: string): Promise<RememberedSync[]> {
  const all = await store.read(['secrets'], (tx) => tx.objectStore('secrets').index('byUser').getAll(userId));
  return all.filter((r): r is RememberedSync => r.kind === 'sync');
}

/** Forgets the key and server kept for a cube (nothing when none is). */
export async function forgetRemembered(store: Store, cubeId: string): Promise<void> {
  await store.write(['secrets'], async (tx) => {
    await tx.objectStore('secrets').delete(`sync:${cubeId}`);
  });
}

/** A user's sync identity on this device, made when `create` and there is none. */
export async function syncIdentity(store: Store, at: number, userId: string, create: boolean): Promise<SyncIdentityRecord | undefined> {
  const key = `identity:${userId}`;
  const kept = await store.read(['secrets'], (tx) => tx.objectStore('secrets').get(key));
  if (kept?.kind === 'identity') return kept;
  if (!create) return undefined;
  const made = await newIdentity();
  const record: SyncIdentityRecord = { key, kind: 'identity', userId, ...made, createdAt: at };
  // Another tab may have made one meanwhile: the first one kept wins.
  return store.write(['secrets'], async (tx) => {
    const raced = await tx.objectStore('secrets').get(key);
    if (raced?.kind === 'identity') return raced;
    await tx.objectStore('secrets').put(record);
    return record;
  });
}
