/**
 * Vectors beside memories through sync (PouchDB Server in memory; MemOS stores on fake-indexeddb
 * standing in for browser profiles; the real USE-lite embedder on onnxruntime in Node): a device with
 * the sender's model takes the vectors as they come and embeds nothing; a device with another model
 * embeds what arrives itself. The embedder each receiving device gets is the real one inside a counting
 * shell (the shell only counts the texts it is asked to embed).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/inference/embedders/embedder';
import { loadUseLiteOrtInNode } from '../../src/inference/embedders/use-lite-node';
import type { MemOS } from '../../src/os/memos';
import { couchServerForFile } from '../support/couch-for-tests';
import { openTestOs } from './helpers';

const server = couchServerForFile();
let int8: Embedder;
let float32: Embedder;
beforeAll(async () => {
  [int8, float32] = await Promise.all([loadUseLiteOrtInNode({ precision: 'int8' }), loadUseLiteOrtInNode({ precision: 'float32' })]);
}, 120_000);

/** The embedder, counting the texts it embeds. */
function counting(inner: Embedder): { embedder: Embedder; texts: () => number } {
  let texts = 0;
  const embedder = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'embed') {
        return (list: readonly string[], signal?: AbortSignal) => {
          texts += list.length;
          return target.embed(list, signal);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { embedder, texts: () => texts };
}

async function device(embedder: Embedder): Promise<MemOS> {
  const { os } = await openTestOs({ syncAdapter: 'memory', scheduler: false, clock: () => Date.now(), embedder });
  await os.createUser({ userId: 'ana', name: 'Ana' });
  return os;
}

const TEXTS = ['My sister Lucia lives in Porto.', 'I am allergic to shellfish.', 'The car needs new tyres before winter.'];

describe('vectors through sync', () => {
  it('are taken as they come by a device with the same model, and made again by one with another', async () => {
    const database = `memos-vectors-${Date.now()}`;
    const passphrase = 'vectors travel beside their memories';
    const a = await device(int8);
    await a.createCube({ userId: 'ana', cubeId: 'me', name: 'Me' });
    await a.add({ userId: 'ana', cubeId: 'me', memories: TEXTS.map((text) => ({ text })) });
    await a.vectorStatus({ wait: true });
    await a.configureSync({ userId: 'ana', cubeId: 'me', url: server.url, database, passphrase });
    await a.startSync({ userId: 'ana', cubeId: 'me' });

    /** A new device with this embedder, after it received the cube and its vectors are complete. */
    const joining = async (embedder: Embedder): Promise<MemOS> => {
      const os = await device(embedder);
      await os.configureSync({ userId: 'ana', url: server.url, database, passphrase });
      await os.startSync({ userId: 'ana', cubeId: 'me' });
      expect((await os.vectorStatus({ wait: true }))?.embedded).toBe(3);
      return os;
    };
    const same = counting(int8);
    const b = await joining(same.embedder);
    expect(same.texts()).toBe(0);
    // Searching by meaning works with the vectors that came: "seafood" shares no word with "shellfish".
    const hits = await b.search({ userId: 'ana', query: 'seafood', cubeIds: ['me'], topK: 1, mode: 'vector' });
    expect(hits[0]?.memory.text).toBe('I am allergic to shellfish.');

    const other = counting(float32);
    const c = await joining(other.embedder);
    expect(other.texts()).toBe(3);
    for (const os of [a, b, c]) os.close();
    await Promise.all([a, b, c].map((os) => os.whenClosed()));
  }, 120_000);
});
