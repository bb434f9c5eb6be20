#!/usr/bin/env node
// @ts-check
// `npx memos-web-assets [folder]`: copies memos-web's runtime (the two workers, onnxruntime-web's and
// tfjs's wasm, the shipped embedder) into a folder your server publishes — by default
// public/memos-web, where `memos-web`'s clients look for it. For bundlers other than Vite; with Vite,
// the plugin `memos-web/vite` does this for you.
import { resolve } from 'node:path';
import { copyRuntime } from './runtime-files.js';

const target = resolve(process.argv[2] ?? 'public/memos-web');
try {
  const bytes = copyRuntime(target);
  console.log(`memos-web: runtime copied to ${target} (${(bytes / 1e6).toFixed(1)} MB). Serve it from the page's origin; call useRuntimeAt('<its URL path>') unless it is at memos-web/ beside the page.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
