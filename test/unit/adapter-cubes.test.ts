// Adapter MemCubes through the MemOS API (fake-indexeddb, a real ORT decoder): import from PEFT
// files, activate (merged into the loaded model), chat with it, deactivate (base weights exactly),
// survive a reopen, export, delete; another base model, a damaged blob, a bad file and a reader
// without write access are refused with nothing changed.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/seeded-random';
import { peftTensors } from '../../src/inference/lora/peft-adapter';
import type { LoraWeights } from '../../src/protocol/inference-types';
import { SYNTHETIC_SHAPES } from '../../src/inference/onnx/synthetic-llama';
import { writeSafetensors } from '../../src/inference/lora/safetensors';
import { syntheticDecoder } from '../support/decoders';
import { errorOf, openTestOs } from './helpers';
import { MemOS } from '../../src/os/memos';
import { openDB } from 'idb';

const shape = SYNTHETIC_SHAPES.tiny;

function peftFiles(seed: number, rank = 4): { safetensors: Uint8Array; config: string } {
  const random = seededRandom(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => (random() - 0.5) * 0.5);
  const lora: LoraWeights = {
    id: 'x',
    scale: 2,
    targets: [0, 1].map((l) => ({ module: `model.layers.${l}.self_attn.q_proj`, a: fill(rank * 32), b: fill(32 * rank), rank, inFeatures: 32, outFeatures: 32 })),
  };
  return { safetensors: writeSafetensors(peftTensors(lora)), config: JSON.stringify({ r: rank, lora_alpha: 2 * rank, target_modules: ['q_proj'] }) };
}

describe('adapter MemCubes', () => {
  it('are imported, applied to the loaded model, undone exactly, kept across a reopen, exported and deleted', async () => {
    const { os, name } = await openTestOs();
    const { decoder } = await syntheticDecoder(shape, 7);
    os.setLanguageModel(decoder);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    const cube = await os.createCube({ userId: 'ana', name: 'Ana', cubeId: 'c1' });
    const files = peftFiles(1);
    const item = await os.importAdapter({ userId: 'ana', cubeId: cube.cubeId, name: 'style', ...files });
    expect(item).toMatchObject({ origin: 'imported', rank: 4, alpha: 8, scale: 2, active: false, base: { modelId: 'synthetic-7', weightsHash: decoder.info.adapters!.baseWeightsHash } });
    expect(item.targets).toEqual(['model.layers.0.self_attn.q_proj', 'model.layers.1.self_attn.q_proj']);
    expect((await os.listAdapters({ userId: 'ana', cubeId: 'c1' })).map((a) => a.id)).toEqual([item.id]);

    const ids = [1, 20, 30, 40];
    const base = Float32Array.from((await decoder.forward(ids, undefined, true)).logits);
    await os.activateAdapter({ userId: 'ana', adapterId: item.id, weight: 0.5 });
    expect(decoder.info.adapters?.applied).toEqual([{ id: item.id, weight: 0.5 }]);
    const adapted = Float32Array.from((await decoder.forward(ids, undefined, true)).logits);
    expect(adapted).not.toEqual(base);
    const chat = await os.chat({ userId: 'ana', sessionId: 's', messages: [{ role: 'user', content: 'hello' }], maxTokens: 4 });
    expect(chat.modelId).toBe('synthetic-7');

    await os.deactivateAdapter({ userId: 'ana', adapterId: item.id });
    expect(decoder.info.adapters?.applied).toEqual([]);
    expect(Float32Array.from((await decoder.forward(ids, undefined, true)).logits)).toEqual(base);

    // Active again, then the store is closed and opened with a fresh copy of the model: the first chat merges it back.
    await os.activateAdapter({ userId: 'ana', adapterId: item.id });
    await os.close();
    await decoder.dispose();
    const reopened = await MemOS.open({ name });
    const { decoder: fresh } = await syntheticDecoder(shape, 7);
    reopened.setLanguageModel(fresh);
    expect(fresh.info.adapters?.applied).toEqual([]);
    await reopened.chat({ userId: 'ana', sessionId: 's2', messages: [{ role: 'user', content: 'hi' }], maxTokens: 2 });
    expect(fresh.info.adapters?.applied).toEqual([{ id: item.id, weight: 1 }]);

    const exported = await reopened.exportAdapter({ userId: 'ana', adapterId: item.id });
    expect(JSON.parse(exported.config)).toMatchObject({ r: 4, lora_alpha: 8, target_modules: ['q_proj'] });
    const again = await reopened.importAdapter({ userId: 'ana', cubeId: 'c1', name: 'round trip', ...exported });
    expect(again.checksum).toBe(item.checksum);

    await reopened.deleteAdapter({ userId: 'ana', adapterId: item.id });
    expect(fresh.info.adapters?.applied).toEqual([]);
    expect((await reopened.listAdapters({ userId: 'ana', cubeId: 'c1' })).map((a) => a.id)).toEqual([again.id]);
    const log = await reopened.auditLog({ userId: 'ana', cubeId: 'c1' });
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(['adapter.import', 'adapter.activate', 'adapter.deactivate', 'adapter.delete']));
    await reopened.close();
    await fresh.dispose();
  });

  it('refuses another base model, a bad file, a damaged blob and a reader without write access, changing nothing', async () => {
    const { os, name } = await openTestOs();
    const { decoder } = await syntheticDecoder(shape, 8);
    os.setLanguageModel(decoder);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createUser({ userId: 'bo', name: 'Bo' });
    await os.createCube({ userId: 'ana', name: 'Ana', cubeId: 'c1' });
    await os.shareCube({ userId: 'ana', cubeId: 'c1', targetUserId: 'bo', access: 'read' });
    const files = peftFiles(2);
    const other = await os.importAdapter({ userId: 'ana', cubeId: 'c1', name: 'other base', ...files, base: { modelId: 'another-model', weightsHash: 'ab'.repeat(32) } });
    expect((await errorOf(() => os.activateAdapter({ userId: 'ana', adapterId: other.id }))).code).toBe('ADAPTER_INCOMPATIBLE');
    expect(decoder.info.adapters?.applied).toEqual([]);
    expect((await os.listAdapters({ userId: 'ana', cubeId: 'c1' }))[0]!.active).toBe(false);

    expect((await errorOf(() => os.importAdapter({ userId: 'ana', cubeId: 'c1', name: 'bad', safetensors: files.safetensors.subarray(0, 30), config: files.config }))).code).toBe('ADAPTER_INVALID');
    expect((await errorOf(() => os.importAdapter({ userId: 'bo', cubeId: 'c1', name: 'not mine', ...files }))).code).toBe('FORBIDDEN');
    expect(await os.listAdapters({ userId: 'bo', cubeId: 'c1' })).toHaveLength(1);

    // A shape that does not fit this model: the mark is undone, the model untouched.
    const wide = writeSafetensors(peftTensors({ id: 'w', scale: 1, targets: [{ module: 'model.layers.0.self_attn.q_proj', a: new Float32Array(2 * 64), b: new Float32Array(32 * 2), rank: 2, inFeatures: 64, outFeatures: 32 }] }));
    const misfit = await os.importAdapter({ userId: 'ana', cubeId: 'c1', name: 'misfit', safetensors: wide, config: JSON.stringify({ r: 2, lora_alpha: 2 }) });
    expect((await errorOf(() => os.activateAdapter({ userId: 'ana', adapterId: misfit.id }))).code).toBe('ADAPTER_INCOMPATIBLE');
    expect((await os.listAdapters({ userId: 'ana', cubeId: 'c1' })).find((a) => a.id === misfit.id)!.active).toBe(false);

    // A flipped byte in the stored weights is caught by the checksum.
    const good = await os.importAdapter({ userId: 'ana', cubeId: 'c1', name: 'good', ...files });
    const db = await openDB(name);
    const blob = await db.get('blobs', `${good.id}:0`);
    const bytes = new Uint8Array(blob.data);
    bytes[bytes.length - 3]! ^= 0xff;
    await db.put('blobs', { ...blob, data: bytes.buffer });
    db.close();
    expect((await errorOf(() => os.activateAdapter({ userId: 'ana', adapterId: good.id }))).code).toBe('ADAPTER_INVALID');
    expect(decoder.info.adapters?.applied).toEqual([]);
    expect((await os.listAdapters({ userId: 'ana', cubeId: 'c1' })).find((a) => a.id === good.id)!.active).toBe(false);
    await os.close();
    await decoder.dispose();
  });
});
