// The real USE-lite embedder for node tests, loaded once per test file from the npm package.
import { loadUseLiteInNode } from '../../src/inference/embedders/use-lite-node';
import type { UseLiteEmbedder } from '../../src/inference/embedders/use-lite-embedder';

export { TFJS_WASM_DIR, USE_MODEL_DIR } from '../../src/inference/embedders/use-lite-node';

let shared: Promise<UseLiteEmbedder> | undefined;
/** The embedder, loaded on first use. */
export function useLite(): Promise<UseLiteEmbedder> {
  shared ??= loadUseLiteInNode();
  return shared;
}
