// The KV benchmark's measurement, shared by Node and the Chromium worker: for each memory and query
// size, time to first token when prefilling memory + query from scratch, against loading the stored
// KV MemCube from IndexedDB (read, checksum, decode) and prefilling only the query after it.
import type { ActivationItem } from '../../src/core/activation-item';
import { seededRandom } from '../../src/core/seeded-random';
import type { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import { decodeCache, encodeCache, putActivation } from '../../src/memory/activation/activation-store';
import type { KvEncoding } from '../../src/memory/activation/kv-codec';
import type { Store } from '../../src/storage/store';
import { percentile } from './stats';

/** One measured case. */
export interface KvRow {
  readonly model: string;
  readonly where: string;
  readonly threads: number;
  readonly memoryTokens: number;
  readonly queryTokens: number;
  readonly encoding: KvEncoding;
  /** Median TTFT prefilling memory + query. */
  readonly prefillTtftMs: number;
  /** Median TTFT from the stored cube: IndexedDB read + checks + decode + query prefill. */
  readonly kvTtftMs: number;
  /** Of which: reading and decoding the cube. */
  readonly loadMs: number;
  /** Time to first token from the cube already decoded in memory (the worker keeps activated cubes: HotKvCaches). */
  readonly hotTtftMs: number;
  readonly hotReduction: number;
  readonly reduction: number;
  /** Whether the first 8 greedy tokens are the same on both paths. */
  readonly sameOutput: boolean;
  readonly cubeBytes: number;
  readonly storeMBps: number;
  readonly loadMBps: number;
  /** Reading the same bytes from IndexedDB with no checks or decoding. */
  readonly rawReadMBps: number;
}

/** Measures one model over the given sizes. */
export async function runKv(
  decoder: OrtDecoder,
  store: Store,
  options: { model: string; where: string; threads: number; vocab: number; memory: number[]; query: number[]; repeats: number; encoding: KvEncoding; log: (line: string) => void },
): Promise<KvRow[]> {
  const random = seededRandom(3);
  const token = () => 259 + Math.floor(random() * (options.vocab - 259));
  const rows: KvRow[] = [];
  for (const memoryTokens of options.memory) {
    for (const queryTokens of options.query) {
      if (memoryTokens + queryTokens + 8 > decoder.info.contextLength) {
        options.log(`${options.model}: ${memoryTokens}+${queryTokens} exceeds the context (${decoder.info.contextLength}), skipped`);
        continue;
      }
      const memory = [1, ...Array.from({ length: memoryTokens - 1 }, token)];
      const query = Array.from({ length: queryTokens }, token);
      const cache = await decoder.kv.prefill(memory);
      const id = `bench-${memoryTokens}-${queryTokens}`;
      const storeStart = performance.now();
      const encoded = await encodeCache(cache, options.encoding, id, 'bench');
      const item = {
        id, cubeId: 'bench', encoding: options.encoding, positions: { start: 0, end: cache.length }, sourceIds: [], sessions: [], composedFrom: [],
        model: { layers: cache.layers, kvHeads: cache.kvHeads, headDim: cache.headDim },
      } as unknown as ActivationItem;
      await store.write(['activations', 'blobs'], async (tx) => putActivation(tx, item, encoded));
      const storeMs = performance.now() - storeStart;
      const prefill: number[] = [];
      const kv: number[] = [];
      const load: number[] = [];
      const hot: number[] = [];
      const raw: number[] = [];
      let sameOutput = true;
      for (let run = 0; run <= options.repeats; run++) {
        const full = await decoder.generate({ promptIds: [...memory, ...query] }, { maxTokens: 8 });
        const started = performance.now();
        const blobs = await store.read(['blobs'], (tx) => tx.objectStore('blobs').index('byMemory').getAll(id));
        const stored = await decodeCache(item, blobs);
        const loaded = performance.now() - started;
        const fromCube = await decoder.generate({ promptIds: query, prefix: stored }, { maxTokens: 8 });
        const kvTtft = loaded + fromCube.timings.firstTokenMs;
        const rawStart = performance.now();
        await store.read(['blobs'], (tx) => tx.objectStore('blobs').index('byMemory').getAll(id));
        const rawMs = performance.now() - rawStart;
        if (run === 0) continue; // warm-up
        sameOutput &&= JSON.stringify(full.tokenIds) === JSON.stringify(fromCube.tokenIds);
        prefill.push(full.timings.firstTokenMs);
        kv.push(kvTtft);
        load.push(loaded);
        hot.push(fromCube.timings.firstTokenMs);
        raw.push(rawMs);
      }
      await store.write(['activations', 'blobs'], async (tx) => {
        await tx.objectStore('activations').delete(id);
        for (const key of await tx.objectStore('blobs').index('byMemory').getAllKeys(id)) await tx.objectStore('blobs').delete(key);
      });
      const mb = encoded.bytes / 1e6;
      const row: KvRow = {
        model: options.model, where: options.where, threads: options.threads, memoryTokens, queryTokens, encoding: options.encoding,
        prefillTtftMs: percentile(prefill, 50), kvTtftMs: percentile(kv, 50), loadMs: percentile(load, 50),
        hotTtftMs: percentile(hot, 50), hotReduction: 1 - percentile(hot, 50) / percentile(prefill, 50),
        reduction: 1 - percentile(kv, 50) / percentile(prefill, 50), sameOutput, cubeBytes: encoded.bytes,
        storeMBps: mb / (storeMs / 1000), loadMBps: mb / (percentile(load, 50) / 1000), rawReadMBps: mb / (percentile(raw, 50) / 1000),
      };
      options.log(`${options.model} · ${memoryTokens}+${queryTokens} · prefill ${row.prefillTtftMs.toFixed(0)} ms → KV ${row.kvTtftMs.toFixed(0)} ms (load ${row.loadMs.toFixed(0)}) · ${(row.reduction * 100).toFixed(1)}% · in memory ${row.hotTtftMs.toFixed(0)} ms, ${(row.hotReduction * 100).toFixed(1)}% · same output ${sameOutput}`);
      rows.push(row);
    }
  }
  return rows;
}
