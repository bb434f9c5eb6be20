// The page the browser tests drive: it opens a real MemosClient (real worker, real IndexedDB) on the
// store named in ?store= and hands it to the test through window.
import { MemosError } from '../../src/core/errors';
import { MemosClient } from '../../src/client/memos-client';
import { InferenceClient } from '../../src/client/inference-client';
import '../../src/client/bundled-runtime';

declare global {
  interface Window {
    memosReady: Promise<void>;
    memos: MemosClient['api'];
    memosClient: MemosClient;
    /** Present when the page was opened with ?inference=1. */
    inference: InferenceClient;
    MemosError: typeof MemosError;
    /** The client class, for tests that open a second client (progress, cancel). */
    MemosClient: typeof MemosClient;
    /** Exposed by some tests (page.exposeFunction) to record acknowledged writes outside the page. */
    ack?: (id: string) => Promise<void>;
  }
}

const params = new URL(location.href).searchParams;
const store = params.get('store') ?? 'memos-test';
// Browser tests run without the embedder unless they ask for it (?embedder=use-lite): loading it takes
// a second or two per page.
// ?embedder=onnx&embedderBase=URL loads an ONNX encoder (the tiny one the tests build and serve).
const embedderBase = params.get('embedderBase');
const embedder =
  params.get('embedder') === 'use-lite'
    ? 'use-lite'
    : params.get('embedder') === 'onnx' && embedderBase
      ? { kind: 'onnx' as const, modelId: 'tiny-bert', revision: '7', baseUrl: new URL(embedderBase, location.href).href, pooling: 'mean' as const }
      : 'none';
window.MemosError = MemosError;
window.MemosClient = MemosClient;
window.memosReady = MemosClient.open({ name: store, embedder, previousEmbedder: params.get('previous') === 'use-lite' ? 'use-lite' : 'none' }).then(async (client) => {
  window.memosClient = client;
  window.memos = client.api;
  if (params.get('inference') === '1') {
    window.inference = await InferenceClient.open();
    await window.inference.connectMemory(client);
  }
});
