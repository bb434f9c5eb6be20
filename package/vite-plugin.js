// @ts-check
// `memos-web/vite`: serves memos-web's runtime (workers, wasm, the shipped embedder) from the app's own
// origin at `<base>memos-web/` in `vite` and `vite preview`, and copies it into the build's output
// folder there — where `memos-web`'s clients look for it by default.
import { join } from 'node:path';
import { copyRuntime, serveRuntime } from './runtime-files.js';

/**
 * The Vite plugin.
 * @param {{ folder?: string }} [options] `folder`: where the runtime goes, relative to the base (default "memos-web/"); pass the same path to useRuntimeAt when it differs
 * @returns {import('vite').Plugin}
 */
export function memosWeb(options = {}) {
  const folder = (options.folder ?? 'memos-web/').replace(/^\/+/, '').replace(/\/?$/, '/');
  let base = '/';
  let outDir = 'dist';
  return {
    name: 'memos-web',
    configResolved(config) {
      base = config.base.startsWith('/') ? config.base : '/';
      outDir = join(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(serveRuntime(`${base}${folder}`));
    },
    configurePreviewServer(server) {
      server.middlewares.use(serveRuntime(`${base}${folder}`));
    },
    writeBundle: {
      sequential: true,
      handler() {
        if (this.environment && this.environment.name !== 'client') return;
        const bytes = copyRuntime(join(outDir, folder));
        this.info?.(`memos-web: runtime copied to ${join(outDir, folder)} (${(bytes / 1e6).toFixed(1)} MB)`);
      },
    },
  };
}

export default memosWeb;
