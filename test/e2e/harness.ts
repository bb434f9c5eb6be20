// The page the browser tests drive: it opens a real MemosClient (real worker, real IndexedDB) on the
// store named in ?store= and hands it to the test through window.
import { MemosError } from '../../src/core/errors';
import { MemosClient } from '../../src/client/memos-client';

declare global {
  interface Window {
    memosReady: Promise<void>;
    memos: MemosClient['api'];
    memosClient: MemosClient;
    MemosError: typeof MemosError;
    /** Exposed by some tests (page.exposeFunction) to record acknowledged writes outside the page. */
    ack?: (id: string) => Promise<void>;
  }
}

const store = new URL(location.href).searchParams.get('store') ?? 'memos-test';
window.MemosError = MemosError;
window.memosReady = MemosClient.open({ name: store }).then((client) => {
  window.memosClient = client;
  window.memos = client.api;
});
