/**
 * `npm run build:wasm`: assembles src/search/wasm/*.wat with wabt into TypeScript modules holding
 * the bytes (base64), so the app needs no build step of its own for them and no wasm file to fetch.
 * `--check` fails when a committed module differs from what its .wat gives (a unit test runs it).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wasmModuleSource } from './wasm-source';

const dir = 'src/search/wasm';
const check = process.argv.includes('--check');
let stale = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.wat'))) {
  const target = join(dir, file.replace(/\.wat$/, '-wasm.ts'));
  const source = await wasmModuleSource(join(dir, file));
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // not built yet
  }
  if (current === source) continue;
  stale++;
  if (check) console.error(`${target} is not what ${file} assembles to: run npm run build:wasm`);
  else writeFileSync(target, source);
}
if (check && stale > 0) process.exit(1);
