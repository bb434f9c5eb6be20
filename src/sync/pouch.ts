/// <reference path="./pouchdb-modules.d.ts" />
/**
 * PouchDB, the replicator (decision 0031): a local database per synced cube (the outbox and inbox:
 * IndexedDB in browsers, memory in Node) and the CouchDB-protocol server over HTTP. Loaded when sync
 * is first configured. Typed here for the part memos-web uses (PouchDB ships no types).
 */

/** A document as PouchDB holds it. */
export interface PouchDoc {
  _id: string;
  _rev?: string;
  _deleted?: boolean;
  _conflicts?: string[];
  [field: string]: unknown;
}

/** A change in a database's feed. */
export interface PouchChange {
  readonly id: string;
  readonly seq: number | string;
  readonly deleted?: boolean;
  readonly doc?: PouchDoc;
}

/** A running replication (live) or one pass of it (awaitable). */
export interface PouchReplication extends PromiseLike<unknown> {
  on(event: 'change' | 'paused' | 'active' | 'denied' | 'complete' | 'error', listener: (info: unknown) => void): PouchReplication;
  cancel(): void;
}

/** The part of a PouchDB database memos-web uses. */
export interface PouchDatabase {
  readonly name: string;
  get(id: string, options?: { rev?: string; conflicts?: boolean; attachments?: boolean }): Promise<PouchDoc>;
  put(doc: PouchDoc): Promise<{ ok: boolean; id: string; rev: string }>;
  bulkDocs(docs: PouchDoc[]): Promise<({ ok: true; id: string; rev: string } | { error: true; id: string; status?: number; name?: string })[]>;
  allDocs(options?: { include_docs?: boolean; keys?: string[] }): Promise<{ rows: { id: string; value?: { rev: string; deleted?: boolean }; doc?: PouchDoc }[] }>;
  changes(options: { since: number | string; include_docs?: boolean; conflicts?: boolean; limit?: number }): Promise<{ results: PouchChange[]; last_seq: number | string }>;
  sync(remote: PouchDatabase, options?: { live?: boolean; retry?: boolean; batch_size?: number }): PouchReplication;
  info(): Promise<{ doc_count: number; update_seq: number | string }>;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

type PouchConstructor = new (name: string, options?: Record<string, unknown>) => PouchDatabase;

let loading: Promise<PouchConstructor> | undefined;
let givenMemoryAdapter: unknown;

/**
 * Gives sync PouchDB's memory adapter (the `pouchdb-adapter-memory` module) for a program that bundles
 * it, such as the `memos-web mcp` command; without it, the adapter is imported by name when first needed.
 */
export function provideMemoryAdapter(adapter: unknown): void {
  givenMemoryAdapter = adapter;
}

/** Where local databases live: IndexedDB where the platform has it for real, else memory. */
export type LocalAdapter = 'idb' | 'memory';

async function pouch(local: LocalAdapter): Promise<PouchConstructor> {
  loading ??= (async () => {
    const [core, http, replication] = await Promise.all([import('pouchdb-core'), import('pouchdb-adapter-http'), import('pouchdb-replication')]);
    const PouchDB = (core.default ?? core) as unknown as { plugin(p: unknown): unknown } & PouchConstructor;
    PouchDB.plugin(http.default ?? http);
    PouchDB.plugin(replication.default ?? replication);
    // The memory adapter is for Node (tests, tools) and never part of a browser bundle: its name is
    // given at run time, so bundlers leave it out (Node users of memos-web/core install it).
    const memoryAdapter = 'pouchdb-adapter-memory';
    const adapter = local === 'idb' ? await import('pouchdb-adapter-indexeddb') : ((givenMemoryAdapter as { default?: unknown } | undefined) ?? (await import(/* @vite-ignore */ memoryAdapter)));
    PouchDB.plugin(adapter.default ?? adapter);
    return PouchDB;
  })();
  return loading;
}

/** The leaves in conflict with a document's winning revision (a read with `conflicts: true` lists only their revisions). */
export function conflictingLeaves(db: PouchDatabase, doc: PouchDoc): Promise<PouchDoc[]> {
  return Promise.all((doc._conflicts ?? []).map((rev) => db.get(doc._id, { rev })));
}

/** Deletes revisions of a document: settles a conflict in favour of the leaf left standing. */
export async function deleteRevisions(db: PouchDatabase, id: string, revs: readonly string[]): Promise<void> {
  if (revs.length > 0) await db.bulkDocs(revs.map((rev) => ({ _id: id, _rev: rev, _deleted: true })));
}

/** Opens (creating) this device's local database for a synced cube. */
export async function openLocal(name: string, adapter: LocalAdapter): Promise<PouchDatabase> {
  const PouchDB = await pouch(adapter);
  return new PouchDB(name, { adapter: adapter === 'idb' ? 'indexeddb' : adapter, auto_compaction: true });
}

/** Opens the server's database (over HTTP, with basic auth when given). */
export async function openRemote(url: string, credentials: { username: string; password: string } | undefined, adapter: LocalAdapter): Promise<PouchDatabase> {
  const PouchDB = await pouch(adapter);
  return new PouchDB(url, { adapter: 'http', skip_setup: false, ...(credentials && { auth: credentials }) });
}
