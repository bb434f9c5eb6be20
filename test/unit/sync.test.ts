/**
 * End-to-end encrypted sync through a real CouchDB-protocol server (PouchDB Server in memory, started
 * here; COUCHDB_URL for a real CouchDB). Two "devices" are two MemOS stores in this process (on
 * fake-indexeddb, standing in for two browser profiles' IndexedDB), each with its own local replica.
 */
import { describe, expect, it } from 'vitest';
import type { MemOS } from '../../src/os/memos';
import { couchServerForFile } from '../support/couch-for-tests';
import { startCouchServer } from '../support/couch-server';
import { errorOf, openTestOs } from './helpers';

const server = couchServerForFile();

const PASSPHRASE = 'correct horse battery staple';
let n = 0;

async function device(): Promise<MemOS> {
  // Real time: each device's versions carry its own clock's times, as on two real devices.
  const { os } = await openTestOs({ syncAdapter: 'memory', scheduler: false, clock: () => Date.now() });
  await os.createUser({ userId: 'ana', name: 'Ana' });
  return os;
}

/** Closes devices and waits until their sync has stopped, so no request is left open when the server stops. */
async function closeAll(...devices: MemOS[]): Promise<void> {
  for (const os of devices) os.close();
  await Promise.all(devices.map((os) => os.whenClosed()));
}

async function serverDocs(database: string): Promise<{ id: string; doc: Record<string, unknown> }[]> {
  const answer = (await (await fetch(`${server.url}/${database}/_all_docs?include_docs=true`)).json()) as { rows: { id: string; doc: Record<string, unknown> }[] };
  return answer.rows;
}

describe('sync through a CouchDB-protocol server', () => {
  it('sends a cube encrypted, a new device gets it whole, and the server sees nothing readable', async () => {
    const database = `memos-test-${++n}-${Date.now()}`;
    const a = await device();
    await a.createCube({ userId: 'ana', cubeId: 'notes', name: 'Secret garden notes' });
    const [tea] = await a.add({ userId: 'ana', cubeId: 'notes', memories: [{ text: 'Favourite tea is genmaicha.', tags: ['drinks'] }, { text: 'The gate code is 4812.' }] });
    await a.update({ userId: 'ana', memoryId: tea!.id, patch: { text: 'Favourite tea is sencha now.' } });
    await a.configureSync({ userId: 'ana', cubeId: 'notes', url: server.url, database, passphrase: PASSPHRASE });
    const sent = await a.startSync({ userId: 'ana', cubeId: 'notes' });
    expect(sent).toMatchObject({ state: 'idle', sent: 2, refused: 0, lastError: null });

    // What the server holds: opaque ids, revisions, and base64 of ciphertext (and of the wrapped key).
    // The secrets are looked for in the readable fields and in the decoded bytes (base64 text itself
    // could spell a short word by chance).
    const docs = await serverDocs(database);
    const base64Fields = new Set(['iv', 'ct', 'salt', 'wrapped']);
    let readable = '';
    for (const { id, doc } of docs) {
      expect(Object.keys(doc).sort()).toEqual(id === 'memos-key' ? ['_id', '_rev', 'iterations', 'iv', 'kdf', 'salt', 'wrapped'] : ['_id', '_rev', 'ct', 'iv']);
      if (id !== 'memos-key') expect(id).toMatch(/^m[0-9a-f]{40}$/);
      for (const [key, value] of Object.entries(doc)) readable += base64Fields.has(key) ? ` ${Buffer.from(String(value), 'base64').toString('latin1')}` : ` ${key} ${JSON.stringify(value)}`;
    }
    for (const secret of ['genmaicha', 'sencha', '4812', 'Secret garden', 'drinks', 'notes', tea!.id, 'ana']) expect(readable).not.toContain(secret);

    const b = await device();
    await b.createCube({ userId: 'ana', cubeId: 'other', name: 'Other' });
    // The database holds "notes": another cube of this device is refused, naming the one it holds.
    expect(await errorOf(() => b.configureSync({ userId: 'ana', cubeId: 'other', url: server.url, database, passphrase: PASSPHRASE }))).toMatchObject({ code: 'INVALID_INPUT', details: { serverCubeId: 'notes' } });
    // Leaving the cube out joins the one the database holds.
    const status = await b.configureSync({ userId: 'ana', url: server.url, database, passphrase: PASSPHRASE });
    expect(status).toMatchObject({ cubeId: 'notes', state: 'idle' });
    expect((await b.listCubes({ userId: 'ana' })).map((c) => c.cube.name).sort()).toEqual(['Other', 'Secret garden notes']);
    await b.startSync({ userId: 'ana', cubeId: 'notes' });
    const hits = await b.search({ userId: 'ana', query: 'tea', cubeIds: ['notes'] });
    expect(hits.map((h) => h.memory.text)).toEqual(['Favourite tea is sencha now.']);
    expect((await b.history({ userId: 'ana', memoryId: tea!.id })).map((v) => v.snapshot.text)).toEqual(['Favourite tea is genmaicha.', 'Favourite tea is sencha now.']);
    expect((await b.auditLog({ userId: 'ana', cubeId: 'notes', actions: ['memory.sync'] })).flatMap((e) => e.memoryIds)).toHaveLength(2);

    // A wrong passphrase opens nothing.
    const c = await device();
    expect((await errorOf(() => c.configureSync({ userId: 'ana', cubeId: 'notes', url: server.url, database, passphrase: 'not the passphrase' }))).code).toBe('SYNC_KEY_INVALID');
    expect(await c.listCubes({ userId: 'ana' })).toEqual([]);
    await closeAll(a, b, c);
  }, 60_000);

  it('keeps both sides of an offline conflict with the same result on both devices, and a purge reaches the other', async () => {
    const database = `memos-test-${++n}-${Date.now()}`;
    const a = await device();
    await a.createCube({ userId: 'ana', cubeId: 'home', name: 'Home' });
    const [rent, bin] = await a.add({ userId: 'ana', cubeId: 'home', memories: [{ text: 'Rent is 870 euros.' }, { text: 'Bins go out on Tuesday.' }] });
    await a.configureSync({ userId: 'ana', cubeId: 'home', url: server.url, database, passphrase: PASSPHRASE });
    await a.startSync({ userId: 'ana', cubeId: 'home' });
    const b = await device();
    await b.configureSync({ userId: 'ana', cubeId: 'home', url: server.url, database, passphrase: PASSPHRASE });
    await b.startSync({ userId: 'ana', cubeId: 'home' });

    // Both edit the same memory apart; b's edit is the later one.
    await a.update({ userId: 'ana', memoryId: rent!.id, patch: { text: 'Rent is 900 euros.' } });
    await new Promise((r) => setTimeout(r, 5));
    await b.update({ userId: 'ana', memoryId: rent!.id, patch: { text: 'Rent is 910 euros.' } });
    await a.purge({ userId: 'ana', memoryId: bin!.id });
    await a.startSync({ userId: 'ana', cubeId: 'home' });
    await b.startSync({ userId: 'ana', cubeId: 'home' });
    await a.startSync({ userId: 'ana', cubeId: 'home' });
    await b.startSync({ userId: 'ana', cubeId: 'home' });
    const view = async (os: MemOS) => ({
      text: (await os.get({ userId: 'ana', memoryId: rent!.id })).text,
      history: (await os.history({ userId: 'ana', memoryId: rent!.id })).map((v) => [v.version, v.snapshot.text, v.reason]),
      memories: (await os.getAll({ userId: 'ana', cubeId: 'home' })).items.map((m) => m.id),
    });
    const [onA, onB] = [await view(a), await view(b)];
    expect(onA).toEqual(onB);
    expect(onA.text).toBe('Rent is 910 euros.');
    expect(onA.history).toEqual([
      [1, 'Rent is 870 euros.', null],
      [2, 'Rent is 900 euros.', 'sync conflict'],
      [3, 'Rent is 910 euros.', null],
    ]);
    expect(onA.memories).toEqual([rent!.id]);
    expect((await errorOf(() => b.history({ userId: 'ana', memoryId: bin!.id }))).code).toBe('MEMORY_NOT_FOUND');
    await closeAll(a, b);
  }, 60_000);

  it('refuses a document the server changed and applies nothing of it', async () => {
    const database = `memos-test-${++n}-${Date.now()}`;
    const a = await device();
    await a.createCube({ userId: 'ana', cubeId: 'c', name: 'C' });
    const [m] = await a.add({ userId: 'ana', cubeId: 'c', memory: { text: 'The boat is moored at pier 7.' } });
    await a.configureSync({ userId: 'ana', cubeId: 'c', url: server.url, database, passphrase: PASSPHRASE });
    await a.startSync({ userId: 'ana', cubeId: 'c' });
    const b = await device();
    await b.configureSync({ userId: 'ana', cubeId: 'c', url: server.url, database, passphrase: PASSPHRASE });
    await b.startSync({ userId: 'ana', cubeId: 'c' });
    const before = new Map((await serverDocs(database)).map((d) => [d.id, d.doc['_rev']]));
    await a.update({ userId: 'ana', memoryId: m!.id, patch: { text: 'The boat is moored at pier 9.' } });
    await a.startSync({ userId: 'ana', cubeId: 'c' });
    // The server flips a bit of the new ciphertexts (the documents the edit changed: the memory's, and
    // the run of audit entries that records it).
    const changed = (await serverDocs(database)).filter((d) => before.get(d.id) !== d.doc['_rev']);
    expect(changed).toHaveLength(2);
    for (const target of changed) {
      const ct = String(target.doc['ct']);
      const flipped = { ...target.doc, ct: (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1) };
      expect((await fetch(`${server.url}/${database}/${target.id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(flipped) })).ok).toBe(true);
    }
    const status = await b.startSync({ userId: 'ana', cubeId: 'c' });
    expect(status.refused).toBe(2);
    expect((await b.auditLog({ userId: 'ana', cubeId: 'c', actions: ['memory.update'] }))).toEqual([]);
    expect(status.lastError?.code).toBe('SYNC_TAMPERED');
    expect((await b.get({ userId: 'ana', memoryId: m!.id })).text).toBe('The boat is moored at pier 7.');
    await closeAll(a, b);
  }, 60_000);

  it('in live mode a write on one device arrives on the other by itself', async () => {
    const database = `memos-test-${++n}-${Date.now()}`;
    const a = await device();
    await a.createCube({ userId: 'ana', cubeId: 'live', name: 'Live' });
    await a.add({ userId: 'ana', cubeId: 'live', memory: { text: 'First note.' } });
    await a.configureSync({ userId: 'ana', cubeId: 'live', url: server.url, database, passphrase: PASSPHRASE });
    await a.startSync({ userId: 'ana', cubeId: 'live', live: true });
    const b = await device();
    await b.configureSync({ userId: 'ana', cubeId: 'live', url: server.url, database, passphrase: PASSPHRASE });
    expect((await b.startSync({ userId: 'ana', cubeId: 'live', live: true })).state).toBe('live');
    const [later] = await a.add({ userId: 'ana', cubeId: 'live', memory: { text: 'The parcel arrives on Friday.' } });
    await expect.poll(async () => (await b.getAll({ userId: 'ana', cubeId: 'live' })).items.map((m) => m.id), { timeout: 15_000 }).toContain(later!.id);
    await b.stopSync({ userId: 'ana', cubeId: 'live' });
    await a.stopSync({ userId: 'ana', cubeId: 'live' });
    expect((await a.syncStatus({ userId: 'ana', cubeId: 'live' })).state).toBe('idle');
    await closeAll(a, b);
  }, 60_000);

  it('loses and doubles nothing when the server is killed mid-pass and restarted, sending or receiving', async () => {
    // A server that keeps its databases on disk, so that a restart finds what it had (as CouchDB would).
    const disk = await startCouchServer({ onDisk: true });
    const database = `memos-test-${++n}-${Date.now()}`;
    const dbUrl = `${disk.url}/${database}`;
    const docCount = async () => ((await (await fetch(dbUrl)).json()) as { doc_count: number }).doc_count;
    /** Kills the server as soon as it holds more than `from` documents, and says how many it had. */
    const killOnceAbove = async (from: number): Promise<number> => {
      for (;;) {
        const count = await docCount().catch(() => 0);
        if (count > from) {
          await disk.kill();
          return count;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const total = 1500;
    const a = await device();
    await a.createCube({ userId: 'ana', cubeId: 'big', name: 'Big' });
    const added = await a.add({ userId: 'ana', cubeId: 'big', memories: Array.from({ length: total }, (_, i) => ({ text: `Note number ${i} about item ${i * 7}.` })) });
    await a.configureSync({ userId: 'ana', cubeId: 'big', url: disk.url, database, passphrase: PASSPHRASE });

    // Sending: killed part way through the upload (the key and manifest are there, not every memory).
    const sending = a.startSync({ userId: 'ana', cubeId: 'big' }).then(() => 'finished', (error: { code?: string }) => error.code);
    const heldAtKill = await killOnceAbove(2);
    expect(await sending).toBe('SYNC_UNREACHABLE');
    expect(heldAtKill).toBeLessThan(total + 2);
    expect((await a.syncStatus({ userId: 'ana', cubeId: 'big' })).lastError?.code).toBe('SYNC_UNREACHABLE');
    // Work goes on offline: an edit and a new memory while the server is down.
    await a.update({ userId: 'ana', memoryId: added[0]!.id, patch: { text: 'Note number 0, edited while the server was down.' } });
    const [offline] = await a.add({ userId: 'ana', cubeId: 'big', memory: { text: 'Written while the server was down.' } });
    await disk.restart();
    expect(await a.startSync({ userId: 'ana', cubeId: 'big' })).toMatchObject({ state: 'idle', lastError: null });
    // Every memory once, plus the wrapped key, the manifest and A's audit trail in two runs (what was
    // logged before the first pass, and while offline): nothing doubled.
    expect(await docCount()).toBe(total + 1 + 2 + 2);

    // Receiving: a new device, the server killed while it downloads.
    const b = await device();
    await b.configureSync({ userId: 'ana', url: disk.url, database, passphrase: PASSPHRASE });
    const receiving = b.startSync({ userId: 'ana', cubeId: 'big' }).then(() => 'finished', (error: { code?: string }) => error.code);
    // (Fetching 1,503 documents takes far longer than this on any machine.)
    await new Promise((r) => setTimeout(r, 30));
    await disk.kill();
    expect(await receiving).toBe('SYNC_UNREACHABLE');
    await disk.restart();
    await b.startSync({ userId: 'ana', cubeId: 'big' });
    const onB = [];
    for (let offset: number | null = 0; offset !== null; ) {
      const page = await b.getAll({ userId: 'ana', cubeId: 'big', limit: 1000, offset });
      onB.push(...page.items);
      offset = page.nextOffset;
    }
    expect(onB).toHaveLength(total + 1);
    expect(new Set(onB.map((m) => m.id)).size).toBe(total + 1);
    expect(onB.filter((m) => m.version !== 1).map((m) => m.id)).toEqual([added[0]!.id]);
    expect((await b.history({ userId: 'ana', memoryId: added[0]!.id })).map((v) => v.snapshot.text)).toEqual(['Note number 0 about item 0.', 'Note number 0, edited while the server was down.']);
    expect((await b.get({ userId: 'ana', memoryId: offline!.id })).text).toBe('Written while the server was down.');
    await closeAll(a, b);
    await disk.stop();
  }, 120_000);

  it('carries the cube’s shares, policy and audit trail to the other device, each entry once and marked with where it came from', async () => {
    const database = `memos-test-${++n}-${Date.now()}`;
    const a = await device();
    await a.createUser({ userId: 'bo', name: 'Bo' });
    await a.createCube({ userId: 'ana', cubeId: 'team', name: 'Team' });
    await a.shareCube({ userId: 'ana', cubeId: 'team', targetUserId: 'bo', access: 'write' });
    await a.setCubePolicy({ userId: 'ana', cubeId: 'team', policy: { redaction: 'tag' } });
    const [m] = await a.add({ userId: 'ana', cubeId: 'team', memory: { text: 'Stand-up moves to 9:30.' } });
    await a.recordAgentCall({ userId: 'ana', cubeId: 'team', agent: 'coding-assistant', tool: 'search_memories', memoryIds: [m!.id] });
    await a.configureSync({ userId: 'ana', cubeId: 'team', url: server.url, database, passphrase: PASSPHRASE });
    await a.startSync({ userId: 'ana', cubeId: 'team' });

    const b = await device();
    await b.createUser({ userId: 'bo', name: 'Bo' });
    await b.configureSync({ userId: 'ana', url: server.url, database, passphrase: PASSPHRASE });
    await b.startSync({ userId: 'ana', cubeId: 'team' });
    // Twice: the second pass brings nothing new and applies nothing twice.
    await b.startSync({ userId: 'ana', cubeId: 'team' });
    const cubeOnB = (await b.listCubes({ userId: 'ana' })).find((c) => c.cube.cubeId === 'team')!.cube;
    expect(cubeOnB).toMatchObject({ name: 'Team', shares: { bo: 'write' }, policy: { redaction: 'tag' } });
    // Bo may write into it on B, as on A.
    await b.add({ userId: 'bo', cubeId: 'team', memory: { text: 'Bo brings the projector.' } });
    const fromA = (await b.auditLog({ userId: 'ana', cubeId: 'team' })).filter((e) => e.details['fromDevice'] !== undefined);
    expect(fromA.map((e) => e.action).sort()).toEqual(['agent.call', 'cube.create', 'cube.policy', 'cube.share', 'memory.add', 'sync.configure']);
    expect(fromA.find((e) => e.action === 'agent.call')).toMatchObject({ userId: 'ana', memoryIds: [m!.id], details: { agent: 'coding-assistant', tool: 'search_memories' } });
    expect(new Set(fromA.map((e) => e.details['fromDevice'])).size).toBe(1);

    // An unshare on B reaches A; B's own entries reach A, and A's do not come back to A.
    await b.unshareCube({ userId: 'ana', cubeId: 'team', targetUserId: 'bo' });
    await b.startSync({ userId: 'ana', cubeId: 'team' });
    await a.startSync({ userId: 'ana', cubeId: 'team' });
    await a.startSync({ userId: 'ana', cubeId: 'team' });
    expect((await a.listCubes({ userId: 'ana' })).find((c) => c.cube.cubeId === 'team')!.cube.shares).toEqual({});
    // An entity edit on A reaches B with the manifest.
    await a.editEntity({ userId: 'ana', cubeId: 'team', key: 'stand-up', name: 'Daily stand-up' });
    await a.startSync({ userId: 'ana', cubeId: 'team' });
    await b.startSync({ userId: 'ana', cubeId: 'team' });
    expect((await b.listCubes({ userId: 'ana' })).find((c) => c.cube.cubeId === 'team')!.cube.entities).toMatchObject({ version: 1, names: { 'stand-up': 'Daily stand-up' } });
    const onA = await a.auditLog({ userId: 'ana', cubeId: 'team', limit: 1000 });
    expect(onA.filter((e) => e.details['fromDevice'] !== undefined).map((e) => e.action)).toEqual(expect.arrayContaining(['cube.unshare', 'memory.add', 'memory.sync', 'cube.sync']));
    expect(onA.filter((e) => e.action === 'agent.call')).toHaveLength(1);
    expect(onA.filter((e) => e.action === 'cube.share')).toHaveLength(1);
    await closeAll(a, b);
  }, 60_000);

  it('remembers a cube key on this device only when asked, sealed, and resumes with it after a reopen without the passphrase', async () => {
    const database = `memos-test-${++n}-${Date.now()}`;
    const name = `remember-${Date.now()}`;
    const first = await openTestOs({ name, syncAdapter: 'memory', scheduler: false, clock: () => Date.now() });
    await first.os.createUser({ userId: 'ana', name: 'Ana' });
    await first.os.createCube({ userId: 'ana', cubeId: 'kept', name: 'Kept' });
    await first.os.add({ userId: 'ana', cubeId: 'kept', memory: { text: 'The allotment is plot 12.' } });
    expect(await first.os.configureSync({ userId: 'ana', cubeId: 'kept', url: server.url, database, passphrase: PASSPHRASE })).toMatchObject({ remembered: false });
    await first.os.startSync({ userId: 'ana', cubeId: 'kept' });
    first.os.close();
    await first.os.whenClosed();
    // Not asked to remember: after a reopen there is nothing to resume, and no passphrase is no key.
    let again = await openTestOs({ name, syncAdapter: 'memory', scheduler: false, clock: () => Date.now() });
    expect(await again.os.resumeSync({ userId: 'ana' })).toEqual([]);
    expect(await errorOf(() => again.os.configureSync({ userId: 'ana', cubeId: 'kept', url: server.url, database }))).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'passphrase' } });
    expect((await again.os.configureSync({ userId: 'ana', cubeId: 'kept', url: server.url, database, passphrase: PASSPHRASE, remember: true })).remembered).toBe(true);
    again.os.close();
    await again.os.whenClosed();

    // What is kept: the key sealed under a non-extractable CryptoKey; neither the passphrase nor the key in clear.
    const raw = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const get = request.result.transaction('secrets').objectStore('secrets').getAll();
        get.onsuccess = () => {
          request.result.close();
          resolve(get.result as Record<string, unknown>[]);
        };
      };
    });
    expect(raw).toHaveLength(1);
    expect(raw[0]).toMatchObject({ key: 'sync:kept', userId: 'ana', url: server.url, database });
    expect((raw[0]!['deviceKey'] as CryptoKey).extractable).toBe(false);
    expect(JSON.stringify(raw)).not.toContain(PASSPHRASE);
    expect((raw[0]!['sealedKey'] as Uint8Array).byteLength).toBe(32 + 16);

    // Reopened: resumes without the passphrase, and a write on another device arrives.
    again = await openTestOs({ name, syncAdapter: 'memory', scheduler: false, clock: () => Date.now() });
    const resumed = await again.os.resumeSync({ userId: 'ana' });
    expect(resumed).toMatchObject([{ cubeId: 'kept', state: 'idle', remembered: true }]);
    const other = await device();
    await other.configureSync({ userId: 'ana', url: server.url, database, passphrase: PASSPHRASE });
    await other.startSync({ userId: 'ana', cubeId: 'kept' });
    const [late] = await other.add({ userId: 'ana', cubeId: 'kept', memory: { text: 'Water the beans on Sunday.' } });
    await other.startSync({ userId: 'ana', cubeId: 'kept' });
    await again.os.startSync({ userId: 'ana', cubeId: 'kept' });
    expect((await again.os.get({ userId: 'ana', memoryId: late!.id })).text).toBe('Water the beans on Sunday.');
    // Forgetting it: nothing kept, nothing to resume, audited.
    await again.os.forgetSync({ userId: 'ana', cubeId: 'kept' });
    expect(await again.os.resumeSync({ userId: 'ana' })).toEqual([]);
    expect((await errorOf(() => again.os.syncStatus({ userId: 'ana', cubeId: 'kept' }))).code).toBe('SYNC_NOT_CONFIGURED');
    expect((await again.os.auditLog({ userId: 'ana', cubeId: 'kept', actions: ['sync.forget'] }))).toHaveLength(1);
    await closeAll(again.os, other);
  }, 90_000);

  it('shares a synced cube with another person through their sync identity, and names them to the server', async () => {
    // A recording proxy in front of the real server, to see the security object memos-web writes
    // (PouchDB Server accepts it but does not keep it; CouchDB does).
    const seen: { method: string; path: string; body: string }[] = [];
    const { createServer } = await import('node:http');
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push({ method: req.method!, path: req.url!, body: body.toString() });
        void fetch(`${server.url}${req.url}`, { method: req.method!, headers: { 'content-type': req.headers['content-type'] ?? 'application/json', accept: 'application/json' }, ...(body.length > 0 && { body }) }).then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        });
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const viaProxy = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const database = `memos-test-${++n}-${Date.now()}`;
    const a = await device();
    await a.createCube({ userId: 'ana', cubeId: 'family', name: 'Family' });
    await a.add({ userId: 'ana', cubeId: 'family', memory: { text: 'Grandma visits on the 3rd.' } });
    await a.configureSync({ userId: 'ana', cubeId: 'family', url: viaProxy, database, passphrase: PASSPHRASE, credentials: { username: 'admin', password: 'secret' } });
    await a.startSync({ userId: 'ana', cubeId: 'family' });

    // Bo, on his own device, makes an identity and gives Ana its public key.
    const b = await device();
    await b.createUser({ userId: 'bo', name: 'Bo' });
    const { publicKey } = await b.syncIdentity({ userId: 'bo' });
    expect(await b.syncIdentity({ userId: 'bo' })).toEqual({ publicKey });
    // Without a grant, the identity opens nothing.
    expect((await errorOf(() => b.configureSync({ userId: 'bo', url: server.url, database, identity: true }))).code).toBe('SYNC_KEY_INVALID');
    expect((await errorOf(() => a.grantSync({ userId: 'ana', cubeId: 'family', publicKey: 'bm90IGEga2V5' }))).code).toBe('INVALID_INPUT');
    const { grantId } = await a.grantSync({ userId: 'ana', cubeId: 'family', publicKey, serverUsers: ['bo'] });
    const security = seen.filter((r) => r.method === 'PUT' && r.path === `/${database}/_security`);
    expect(security).toHaveLength(1);
    expect(JSON.parse(security[0]!.body)).toMatchObject({ members: { names: ['bo'] } });
    // The grant on the server names no one (its id is a hash of the public key) and holds the key sealed.
    const grantDoc = (await serverDocs(database)).find((d) => d.id === grantId)!.doc;
    expect(Object.keys(grantDoc).sort()).toEqual(['_id', '_rev', 'ephemeral', 'iv', 'kdf', 'salt', 'wrapped']);
    expect(grantId).toMatch(/^memos-grant-[0-9a-f]{32}$/);

    // Bo opens it with his identity (no passphrase) and gets the cube.
    expect(await b.configureSync({ userId: 'bo', url: server.url, database, identity: true })).toMatchObject({ cubeId: 'family' });
    await b.startSync({ userId: 'bo', cubeId: 'family' });
    expect((await b.search({ userId: 'bo', query: 'grandma', cubeIds: ['family'] })).map((h) => h.memory.text)).toEqual(['Grandma visits on the 3rd.']);
    // Someone else's identity (a third device) cannot open Bo's grant.
    const c = await device();
    await c.syncIdentity({ userId: 'ana' });
    expect((await errorOf(() => c.configureSync({ userId: 'ana', url: server.url, database, identity: true }))).code).toBe('SYNC_KEY_INVALID');
    expect((await a.auditLog({ userId: 'ana', cubeId: 'family', actions: ['sync.grant'] }))[0]).toMatchObject({ details: { grantId, serverUsers: 'bo' } });
    await closeAll(a, b, c);
    await new Promise((resolve) => proxy.close(resolve));
  }, 90_000);
});
