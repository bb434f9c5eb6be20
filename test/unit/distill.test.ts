// Distillation (plaintext → parametric): the tfjs forward pass that training differentiates agrees
// with the ORT decoder; a LoRA trained on a memory's text lowers its perplexity while held-out text
// stays within a bound; and the trained adapter, merged into the ONNX weights, gives the logits the
// trainer saw.
import { describe, expect, it } from 'vitest';
import { distillLora, loadTrainingTf } from '../../src/inference/lora/distill/distill-lora';
import { llamaFromOnnx } from '../../src/inference/lora/distill/onnx-llama-weights';
import { tfLlama, tfLogits, type TfLora } from '../../src/inference/lora/distill/tf-llama';
import { SYNTHETIC_SHAPES } from '../../src/inference/onnx/synthetic-llama';
import { maxAbsDiff, storiesDecoder, storiesTokenizer, syntheticDecoder } from '../support/decoders';
import { HAS_STORIES, storiesFile, storiesReference } from '../support/shared-models';
import { openTestOs } from './helpers';

describe('the tfjs forward pass used for training', () => {
  it('gives the ORT decoder logits on a synthetic model read back from its ONNX file', { timeout: 60_000 }, async () => {
    const tf = await loadTrainingTf();
    for (const rope of ['half', 'interleaved'] as const) {
      const shape = { ...SYNTHETIC_SHAPES.tiny, rope };
      const { decoder, model } = await syntheticDecoder(shape, 9);
      const read = llamaFromOnnx(model.onnx, decoder.kvLayout, { theta: shape.ropeTheta, layout: rope });
      expect(read.shape).toMatchObject({ hidden: 32, heads: 4, kvHeads: 2, intermediate: 48, vocab: 400, layers: 2, tiedEmbeddings: false });
      const ids = [1, 5, 77, 300, 12, 9];
      const tfModel = tfLlama(tf, read.shape, read.weights);
      const logits = tf.tidy(() => tfLogits(tf, tfModel, ids)).dataSync();
      tfModel.dispose();
      expect(maxAbsDiff(logits, (await decoder.forward(ids, undefined, true)).logits)).toBeLessThan(1e-4);
      await decoder.dispose();
    }
  });
});

describe.skipIf(!HAS_STORIES)('distillation on stories260K (needs ../shared)', () => {
  it('lowers the perplexity of the memory text, keeps held-out text within bounds, and merges into ORT exactly', { timeout: 120_000 }, async () => {
    const tf = await loadTrainingTf();
    const decoder = await storiesDecoder();
    const tokenizer = storiesTokenizer();
    const read = llamaFromOnnx(storiesFile('stories260K.onnx'), decoder.kvLayout, { theta: 10000, layout: 'interleaved' });
    expect(read.shape).toMatchObject({ hidden: 64, heads: 8, kvHeads: 4, layers: 5, intermediate: 172, vocab: 512 });
    const encode = (text: string) => [1, ...tokenizer.encode(text)];
    const memory = encode('Mia the cat lives in Lisbon. Mia likes to sleep in the sun on the red boat.');
    const heldOut = [encode('Once upon a time, there was a little girl named Lily. She loved to play outside.'), encode('Tom had a big red ball. He went to the park with his mom.')];
    const replay = [[1, ...storiesReference().greedy_ids.slice(0, 80)]];
    const { lora, report } = await distillLora(tf, read.shape, read.weights, [memory], heldOut, 'adapter_test', { maxSteps: 40, seed: 3, replay });
    expect(report.steps).toBeGreaterThan(3);
    expect(report.memoryPerplexity.after).toBeLessThan(report.memoryPerplexity.before * 0.5);
    expect(report.heldOutPerplexity.after).toBeLessThan(report.heldOutPerplexity.before * 1.25);
    expect(lora.targets).toHaveLength(10);

    // The trained weights merged into the ONNX file: ORT's logits = the trainer's logits with the adapter.
    await decoder.adapters.apply([{ lora, weight: 1 }]);
    const model = tfLlama(tf, read.shape, read.weights);
    const tfLora: TfLora = { scale: lora.scale, targets: new Map(lora.targets.map((t) => [t.module, { a: tf.variable(tf.tensor2d(t.a, [t.rank, t.inFeatures])), b: tf.variable(tf.tensor2d(t.b, [t.outFeatures, t.rank])) }])) };
    const expected = tf.tidy(() => tfLogits(tf, model, memory, tfLora)).dataSync();
    expect(maxAbsDiff(expected, (await decoder.forward(memory, undefined, true)).logits)).toBeLessThan(1e-3);
    model.dispose();
    await decoder.dispose();
  });
});

describe.skipIf(!HAS_STORIES)('distillAdapter through MemOS on stories260K (needs ../shared)', () => {
  it('turns chosen memories into an adapter cube linked to them, proposes only stable and used memories, and leaves the memories in plaintext', { timeout: 180_000 }, async () => {
    const { os, clock } = await openTestOs();
    const decoder = await storiesDecoder();
    os.setLanguageModel(decoder);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', name: 'Ana', cubeId: 'c1' });
    const [cat] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Mia the cat lives in Lisbon. Mia likes to sleep in the sun on the red boat.' } });
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'A new note nobody has used.' } });
    for (let i = 0; i < 3; i++) await os.search({ userId: 'ana', query: 'Mia the cat', cubeIds: ['c1'], trackUsage: true });
    expect(await os.distillCandidates({ userId: 'ana', cubeId: 'c1' })).toEqual([]);
    clock.now += 8 * 86_400_000;
    expect((await os.distillCandidates({ userId: 'ana', cubeId: 'c1' })).map((m) => m.id)).toEqual([cat!.id]);
    // The scheduler's idle-time job proposes the same memory, and trains nothing.
    await os.scheduler.enqueue({ kind: 'propose-distill', priority: 'maintenance', dedupeKey: 'propose-distill-test', needsIdle: true });
    await os.setIdle({ idle: true });
    const finished = async () => (await os.listJobs({ states: ['done', 'failed'] })).find((j) => j.dedupeKey === 'propose-distill-test');
    await expect.poll(finished, { timeout: 60_000 }).toBeDefined();
    expect((await finished())?.result).toEqual([{ cubeId: 'c1', ownerId: 'ana', memoryIds: [cat!.id] }]);
    expect(await os.listAdapters({ userId: 'ana', cubeId: 'c1' })).toEqual([]);

    const steps: number[] = [];
    const item = await os.distillAdapter(
      { userId: 'ana', cubeId: 'c1', memoryIds: [cat!.id], name: 'Mia', options: { maxSteps: 30, seed: 3 } },
      { onProgress: (p) => steps.push(p.done) },
    );
    expect(item).toMatchObject({ origin: 'distilled', sourceIds: [cat!.id], sources: [{ memoryId: cat!.id, version: 1 }], active: false, base: { modelId: 'stories260K' } });
    const report = item.training!;
    expect(steps.length).toBe(report.steps);
    expect(report.memoryPerplexity.after).toBeLessThan(report.memoryPerplexity.before * 0.5);
    expect(report.heldOutPerplexity.after).toBeLessThan(report.heldOutPerplexity.before * 1.25);
    expect(await os.distillCandidates({ userId: 'ana', cubeId: 'c1' })).toEqual([]);

    // Parametric ↔ plaintext: activating changes the model; deactivating restores it; the memory is untouched.
    const ids = [1, ...storiesTokenizer().encode('Mia the cat lives in')];
    const base = Float32Array.from((await decoder.forward(ids, undefined, true)).logits);
    await os.activateAdapter({ userId: 'ana', adapterId: item.id });
    expect(Float32Array.from((await decoder.forward(ids, undefined, true)).logits)).not.toEqual(base);
    await os.deactivateAdapter({ userId: 'ana', adapterId: item.id });
    expect(Float32Array.from((await decoder.forward(ids, undefined, true)).logits)).toEqual(base);
    expect(await os.get({ userId: 'ana', memoryId: cat!.id })).toMatchObject({ text: cat!.text, version: 1, state: 'generated' });
    await os.close();
    await decoder.dispose();
  });
});
