// USE-lite for the Node benchmarks, chosen by options: --runtime ort (default, as the memory worker
// runs it) with --precision int8|float32 (default int8) and --threads N (default 2), or --runtime tfjs
// (the tfjs graph as shipped, the runtime before decision 0032).
import type { Embedder } from '../../src/inference/embedders/embedder';
import { loadUseLiteInNode, loadUseLiteOrtInNode } from '../../src/inference/embedders/use-lite-node';
import { configureOrt } from '../../src/inference/runtime/ort-runtime';

/** The embedder and a label saying how it runs. */
export async function benchUseLite(opts: Map<string, string>): Promise<{ embedder: Embedder; runtime: string }> {
  if ((opts.get('runtime') ?? 'ort') === 'tfjs') return { embedder: await loadUseLiteInNode(), runtime: 'tfjs wasm' };
  const precision = (opts.get('precision') ?? 'int8') as 'int8' | 'float32';
  const threads = configureOrt({ threads: Number(opts.get('threads') ?? 2) }).threads ?? 1;
  return { embedder: await loadUseLiteOrtInNode({ precision }), runtime: `onnxruntime-web ${precision}, ${threads} thread${threads === 1 ? '' : 's'}` };
}
