// The scale measurement itself, shared by the Node run and the Chromium worker run.
import { MemOS, type MemOSOptions } from '../../src/os/memos';
import { VectorIndex } from '../../src/search/vector-index';
import { percentile } from './stats';
import { projectionEmbedder, zipfTexts } from './synthetic';

/** Figures at one collection size. */
export interface ScaleRow {
  readonly memories: number;
  /** Adds per second while growing to this size (batches of 500, vectors given by the synthetic embedder). */
  readonly addPerSecond: number;
  /** How long after the last add the entity graph had read every memory. */
  readonly graphSettledMs: number;
  readonly searchP50: number;
  readonly searchP95: number;
  readonly textOnlyP95: number;
  /** Hybrid search p95 with usage tracking on (`trackUsage: true`, as chat and the plugs ask). */
  readonly trackedP95: number;
  /** Reopening the store (a new MemOS on the same database) until it answers its first search. */
  readonly openMs: number;
  /** The first search after the reopen (included in openMs). */
  readonly firstSearchMs: number;
  /** The benchmark worker's JavaScript heap after the reopen, in MB (null where it cannot be measured: Node). */
  readonly heapMB: number | null;
  /** What the vectors hold in WebAssembly memory (not in the heap figure), in MB. */
  readonly vectorMB: number;
  /**
   * How much of the exact vector top 10 (float cosine) the vector index's search finds (sign-bit
   * prefilter, then a re-rank of the nearest 1,000 on its stored rows; a full scan below 5,000
   * memories), over the same queries. Measured on a separate index of the same vectors, outside the
   * timings.
   */
  readonly vectorRecallAt10: number;
}

/**
 * Grows one cube to each size in turn and measures adds, searches (hybrid, text only, tracked), a
 * reopen of the store, and (where `heapBytes` is given) the worker's heap after the reopen — measured
 * before the recall check's exact index exists, so it holds the store and the benchmark's texts only.
 */
export async function runScale(
  sizes: readonly number[],
  options: MemOSOptions,
  log: (line: string) => void = () => undefined,
  heapBytes?: () => Promise<number>,
): Promise<ScaleRow[]> {
  const max = Math.max(...sizes);
  const texts = zipfTexts(max, 42);
  const queries = zipfTexts(200, 4242).map((q) => q.split(' ').slice(0, 5).join(' '));
  let hybrid = await MemOS.open({ ...options, embedder: projectionEmbedder(384) });
  await hybrid.createUser({ userId: 'u', name: 'u' });
  await hybrid.createCube({ userId: 'u', cubeId: 'c', name: 'scale' });
  const rows: ScaleRow[] = [];
  const embedder = projectionEmbedder(384);
  const queryVectors = await embedder.embed(queries);
  let have = 0;
  for (const size of [...sizes].sort((a, b) => a - b)) {
    const t0 = performance.now();
    for (; have < size; have += 500) {
      const n = Math.min(500, size - have);
      await hybrid.add({ userId: 'u', cubeId: 'c', memories: texts.slice(have, have + n).map((text) => ({ text })) });
    }
    const addMs = performance.now() - t0;
    // The entity graph reads what was added in the background; searches are timed once it has (they
    // then include the graph side), and how long it took after the last add is reported.
    const t3 = performance.now();
    await hybrid.graphStatus({ wait: true });
    const graphMs = performance.now() - t3;
    const added = size - (rows.at(-1)?.memories ?? 0);
    const timings: number[] = [];
    const textTimings: number[] = [];
    const trackedTimings: number[] = [];
    for (const query of queries) {
      let t = performance.now();
      await hybrid.search({ userId: 'u', query, topK: 10, trackUsage: false });
      timings.push(performance.now() - t);
      t = performance.now();
      await hybrid.search({ userId: 'u', query, topK: 10, trackUsage: false, mode: 'text' });
      textTimings.push(performance.now() - t);
    }
    for (const query of queries) {
      const t = performance.now();
      await hybrid.search({ userId: 'u', query, topK: 10, trackUsage: true });
      trackedTimings.push(performance.now() - t);
    }
    hybrid.close();
    // The close saves the index; a reopen long after it (as in use) does not wait for that write.
    await hybrid.whenClosed();
    const t1 = performance.now();
    hybrid = await MemOS.open({ ...options, embedder: projectionEmbedder(384) });
    const t2 = performance.now();
    await hybrid.search({ userId: 'u', query: queries[0]!, topK: 10, trackUsage: false });
    const firstSearchMs = performance.now() - t2;
    const openMs = performance.now() - t1;
    log(`reopened: ${JSON.stringify(hybrid.indexOpened)}`);
    // The heap with the entity graph loaded (it loads after the first search can answer).
    await hybrid.graphStatus({ wait: true });
    const heap = heapBytes ? await heapBytes() : null;
    const vectorBytes = (await hybrid.vectorStatus({}))?.bytes ?? 0;
    // The recall check: the index's 10 best (asked for 50, as search asks the vector side for topK
    // 10) against the exact 10 by float cosine, computed here over the embedder's own vectors, chunk by
    // chunk (a million float rows would not fit the worker).
    const check = new VectorIndex(384);
    const best = queryVectors.map(() => [] as { row: number; score: number }[]);
    for (let i = 0; i < size; i += 500) {
      const batch = texts.slice(i, Math.min(size, i + 500));
      (await embedder.embed(batch)).forEach((v, j) => {
        check.upsert(String(i + j), v);
        queryVectors.forEach((q, k) => offer(best[k]!, i + j, dot(v, q), 10));
      });
    }
    let found = 0;
    queryVectors.forEach((q, k) => {
      const exact = new Set(best[k]!.map((b) => b.row));
      found += check.search(q, { k: 50 }).slice(0, 10).filter((h) => exact.has(Number(h.id))).length;
    });
    const row = {
      memories: size,
      addPerSecond: Math.round(added / (addMs / 1000)),
      graphSettledMs: Math.round(graphMs),
      searchP50: Number(percentile(timings, 50).toFixed(1)),
      searchP95: Number(percentile(timings, 95).toFixed(1)),
      textOnlyP95: Number(percentile(textTimings, 95).toFixed(1)),
      trackedP95: Number(percentile(trackedTimings, 95).toFixed(1)),
      openMs: Math.round(openMs),
      firstSearchMs: Number(firstSearchMs.toFixed(1)),
      heapMB: heap === null ? null : Math.round(heap / 1e6),
      vectorMB: Math.round(vectorBytes / 1e6),
      vectorRecallAt10: Number((found / (queryVectors.length * 10)).toFixed(3)),
    };
    rows.push(row);
    log(JSON.stringify(row));
  }
  hybrid.close();
  return rows;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Keeps the `k` best rows by score in `best` (sorted, best first). */
function offer(best: { row: number; score: number }[], row: number, score: number, k: number): void {
  if (best.length === k && score <= best[k - 1]!.score) return;
  best.push({ row, score });
  best.sort((a, b) => b.score - a.score);
  if (best.length > k) best.pop();
}
