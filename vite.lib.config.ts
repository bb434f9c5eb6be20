// `npm run build:lib`: the embeddable library in dist-lib/ — one ES module (memos-web.js) with the
// client API and the custom elements, the two workers beside it, and the public files they load
// (ORT's wasm, the shipped embedder, the built-in model). Relative base: the workers find those files
// next to themselves wherever dist-lib is served from.
import { defineConfig, mergeConfig } from 'vite';
import app from './vite.config.ts';

export default mergeConfig(
  { ...app, plugins: [] },
  defineConfig({
    base: './',
    build: {
      outDir: 'dist-lib',
      emptyOutDir: true,
      assetsDir: '',
      copyPublicDir: true,
      lib: { entry: 'src/lib.ts', formats: ['es'], fileName: () => 'memos-web.js' },
    },
  }),
);
