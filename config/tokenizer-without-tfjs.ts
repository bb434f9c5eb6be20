// The USE tokenizer (@tensorflow-models/universal-sentence-encoder/dist/tokenizer) imports all of
// tfjs-core for one helper, `tf.util.fetch`, used only by its loadVocabulary (memos-web reads vocab.json
// itself and never calls it). In a build, that one import is served by config/tfjs-fetch-only.ts, so the
// embedder's chunk does not carry tfjs-core; every other importer of tfjs-core gets the real package.
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const SHIM = fileURLToPath(new URL('./tfjs-fetch-only.ts', import.meta.url));

/** A build plugin: '@tensorflow/tfjs-core' imported by the USE tokenizer resolves to the shim. */
export function tokenizerWithoutTfjs(): Plugin {
  return {
    name: 'memos-tokenizer-without-tfjs',
    apply: 'build',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === '@tensorflow/tfjs-core' && importer && /universal-sentence-encoder[\\/]dist[\\/]tokenizer[\\/]/.test(importer)) return SHIM;
      return null;
    },
  };
}
