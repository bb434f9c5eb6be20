/**
 * KV cubes and adapter cubes through sync (a real CouchDB-protocol server, PouchDB Server in memory;
 * two MemOS stores on fake-indexeddb standing in for two browser profiles; a real ORT decoder with
 * seeded synthetic weights on both, as two devices with the same model): they arrive whole, as
 * encrypted attachments, usable on the other device with that device's own state kept; a removal
 * reaches the other; the size limit keeps large ones home; a changed attachment is refused.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/seeded-random';
import { peftTensors } from '../../src/inference/lora/peft-adapter';
import { writeSafetensors } from '../../src/inference/lora/safetensors';
import { SYNTHETIC_SHAPES } from '../../src/inference/onnx/synthetic-llama';
import type { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import type { MemOS } from '../../src/os/memos';
import { couchServerForFile } from '../support/couch-for-tests';
import { syntheticDecoder } from '../support/decoders';
import { openTestOs } from './helpers';

const server = couchServerForFile();

const PASSPHRASE = 'kv cubes travel too, sealed';

function peftFiles(seed: number, rank = 4): { safetensors: Uint8Array; config: string } {
  const random = seededRandom(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => (random() - 0.5) * 0.5);
  const targets = [0, 1].map((l) => ({ module: `model.layers.${l}.self_attn.q_proj`, a: fill(rank * 32), b: fill(32 * rank), rank, inFeatures: 32, outFeatures: 32 }));
  return { safetensors: writeSafetensors(peftTensors({ id: 'x', scale: 2, targets })), config: JSON.stringify({ r: rank, lora_alpha: 2 * rank, target_modules: ['q_proj'] }) };
}

async function device(): Promise<{ os: MemOS; decoder: OrtDecoder }> {
  const { os } = await openTestOs({ syncAdapter: 'memory', scheduler: false, clock: () => Date.now() });
  const { decoder } = await syntheticDecoder(SYNTHETIC_SHAPES.tiny, 7);
  os.setLanguageModel(decoder);
  await os.createUser({ userId: 'ana', name: 'Ana' });
  return { os, decoder };
}

async function close(...devices: { os: MemOS; decoder: OrtDecoder }[]): Promise<void> {
  for (const d of devices) d.os.close();
  await Promise.all(devices.map(async (d) => {
    await d.os.whenClosed();
    await d.decoder.dispose();
  }));
}

describe('KV and adapter cubes through sync', () => {
  it('arrive whole and usable on the other device, keep each device its own state, and go when removed', async () => {
    const database = `memos-items-${Date.now()}`;
    const a = await device();
    await a.os.createCube({ userId: 'ana', cubeId: 'lab', name: 'Lab' });
    const memories = await a.os.add({ userId: 'ana', cubeId: 'lab', memories: [{ text: 'The cat sleeps on the warm mat.' }, { text: 'Rain is due on Friday.' }] });
    const kv = await a.os.buildActivation({ userId: 'ana', cubeId: 'lab', memoryIds: memories.map((m) => m.id), encoding: 'fp16' });
    const adapter = await a.os.importAdapter({ userId: 'ana', cubeId: 'lab', name: 'tone', ...peftFiles(1) });
    await a.os.activateAdapter({ userId: 'ana', adapterId: adapter.id, weight: 0.5 });
    await a.os.configureSync({ userId: 'ana', cubeId: 'lab', url: server.url, database, passphrase: PASSPHRASE });
    expect(await a.os.startSync({ userId: 'ana', cubeId: 'lab' })).toMatchObject({ kvAndAdaptersSent: 2, kvAndAdaptersTooLarge: 0, lastError: null });
    // On the server: ciphertext attachments, no safetensors header or model name in sight.
    const all = (await (await fetch(`${server.url}/${database}/_all_docs?include_docs=true&attachments=true`)).json()) as { rows: { doc: { _attachments?: Record<string, { data: string }> } }[] };
    const attached = all.rows.filter((r) => r.doc._attachments);
    expect(attached).toHaveLength(2);
    for (const r of attached) expect(Buffer.from(r.doc._attachments!['data']!.data, 'base64').toString('latin1')).not.toMatch(/q_proj|synthetic-7|lora/);

    const b = await device();
    await b.os.configureSync({ userId: 'ana', url: server.url, database, passphrase: PASSPHRASE });
    expect(await b.os.startSync({ userId: 'ana', cubeId: 'lab' })).toMatchObject({ kvAndAdaptersReceived: 2, refused: 0, lastError: null });
    const [kvOnB] = await b.os.listActivations({ userId: 'ana', cubeId: 'lab' });
    expect(kvOnB).toMatchObject({ id: kv.id, bytes: kv.bytes, encoding: 'fp16', sessions: [] });
    // Usable there: attached to a chat session (the chunks' checksums are checked as it loads) and chatted with.
    await b.os.activate({ userId: 'ana', activationId: kv.id, sessionId: 's1' });
    expect((await b.os.chat({ userId: 'ana', sessionId: 's1', messages: [{ role: 'user', content: 'where does the cat sleep?' }], maxTokens: 3 })).modelId).toBe('synthetic-7');
    // The adapter: the same file, not merged on B (that is each device's choice).
    const [adapterOnB] = await b.os.listAdapters({ userId: 'ana', cubeId: 'lab' });
    expect(adapterOnB).toMatchObject({ id: adapter.id, active: false, checksum: adapter.checksum });
    expect((await b.os.exportAdapter({ userId: 'ana', adapterId: adapter.id })).safetensors).toEqual((await a.os.exportAdapter({ userId: 'ana', adapterId: adapter.id })).safetensors);
    // B's session on the KV cube and A's merge stay where they were after more passes both ways.
    await b.os.startSync({ userId: 'ana', cubeId: 'lab' });
    await a.os.startSync({ userId: 'ana', cubeId: 'lab' });
    expect((await a.os.listAdapters({ userId: 'ana', cubeId: 'lab' }))[0]).toMatchObject({ active: true, weight: 0.5 });
    expect((await b.os.listActivations({ userId: 'ana', cubeId: 'lab' }))[0]!.sessions).toEqual(['s1']);
    expect((await a.os.syncStatus({ userId: 'ana', cubeId: 'lab' })).kvAndAdaptersSent).toBe(2); // nothing sent twice

    // Removed on A: removed on B.
    await a.os.evictActivation({ userId: 'ana', activationId: kv.id });
    await a.os.deleteAdapter({ userId: 'ana', adapterId: adapter.id });
    await a.os.startSync({ userId: 'ana', cubeId: 'lab' });
    await b.os.startSync({ userId: 'ana', cubeId: 'lab' });
    expect(await b.os.listActivations({ userId: 'ana', cubeId: 'lab' })).toEqual([]);
    expect(await b.os.listAdapters({ userId: 'ana', cubeId: 'lab' })).toEqual([]);
    // B's own log: two arrivals, two removals (A's log of taking B's session change comes along marked fromDevice).
    const ownOnB = (await b.os.auditLog({ userId: 'ana', cubeId: 'lab', actions: ['activation.sync', 'adapter.sync'] })).filter((e) => e.details['fromDevice'] === undefined);
    expect(ownOnB.map((e) => `${e.action} ${e.details['removed'] ? 'removed' : 'arrived'}`).sort()).toEqual(['activation.sync arrived', 'activation.sync removed', 'adapter.sync arrived', 'adapter.sync removed']);
    await close(a, b);
  }, 120_000);

  it('keeps cubes over the size limit on their device, and refuses an attachment the server changed', async () => {
    const a = await device();
    await a.os.createCube({ userId: 'ana', cubeId: 'big', name: 'Big' });
    const [m] = await a.os.add({ userId: 'ana', cubeId: 'big', memory: { text: 'A long afternoon by the river.' } });
    const kv = await a.os.buildActivation({ userId: 'ana', cubeId: 'big', memoryIds: [m!.id] });
    const small = `memos-items-small-${Date.now()}`;
    await a.os.configureSync({ userId: 'ana', cubeId: 'big', url: server.url, database: small, passphrase: PASSPHRASE, attachmentLimitBytes: kv.bytes - 1 });
    expect(await a.os.startSync({ userId: 'ana', cubeId: 'big' })).toMatchObject({ kvAndAdaptersSent: 0, kvAndAdaptersTooLarge: 1 });

    // Another database, the limit raised: it goes; the server flips a byte of its attachment.
    const open = `memos-items-open-${Date.now()}`;
    await a.os.configureSync({ userId: 'ana', cubeId: 'big', url: server.url, database: open, passphrase: PASSPHRASE });
    expect((await a.os.startSync({ userId: 'ana', cubeId: 'big' })).kvAndAdaptersSent).toBe(1);
    const all = (await (await fetch(`${server.url}/${open}/_all_docs?include_docs=true&attachments=true`)).json()) as { rows: { id: string; doc: Record<string, unknown> & { _attachments?: Record<string, { data: string; content_type: string }> } }[] };
    const target = all.rows.find((r) => r.doc._attachments)!;
    const bytes = Buffer.from(target.doc._attachments!['data']!.data, 'base64');
    bytes[10] = bytes[10]! ^ 1;
    const { _attachments: _old, ...body } = target.doc;
    const put = await fetch(`${server.url}/${open}/${target.id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, _attachments: { data: { content_type: 'application/octet-stream', data: bytes.toString('base64') } } }) });
    expect(put.ok).toBe(true);
    const b = await device();
    await b.os.configureSync({ userId: 'ana', url: server.url, database: open, passphrase: PASSPHRASE });
    const status = await b.os.startSync({ userId: 'ana', cubeId: 'big' });
    expect(status).toMatchObject({ refused: 1, kvAndAdaptersReceived: 0, lastError: { code: 'SYNC_TAMPERED' } });
    expect(await b.os.listActivations({ userId: 'ana', cubeId: 'big' })).toEqual([]);
    // The memory itself still arrived.
    expect((await b.os.get({ userId: 'ana', memoryId: m!.id })).text).toBe('A long afternoon by the river.');
    await close(a, b);
  }, 120_000);
});
