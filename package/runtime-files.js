// @ts-check
// Where the installed package keeps its runtime (the two workers and the files they load), and how to
// copy or serve it. Used by the Vite plugin (vite-plugin.js) and the `memos-web-assets` command.
import { createReadStream, cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The runtime folder inside the installed package. */
export const RUNTIME_DIR = fileURLToPath(new URL('../dist-lib/runtime/', import.meta.url));

const TYPES = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/**
 * Copies the runtime into `target` (created if needed); returns how many bytes it copied.
 * @param {string} target
 */
export function copyRuntime(target) {
  if (!existsSync(join(RUNTIME_DIR, 'memory.worker.js'))) throw new Error(`memos-web: ${RUNTIME_DIR} has no memory.worker.js; is the package built?`);
  cpSync(RUNTIME_DIR, target, { recursive: true, dereference: true });
  return folderBytes(target);
}

/** @param {string} folder @returns {number} */
function folderBytes(folder) {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

/**
 * A connect-style middleware serving the runtime under `prefix` (e.g. "/memos-web/"), for Vite's dev
 * and preview servers. Paths that leave the folder are refused.
 * @param {string} prefix
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void}
 */
export function serveRuntime(prefix) {
  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(prefix)) return next();
    const relative = decodeURIComponent(url.pathname.slice(prefix.length));
    const path = normalize(join(RUNTIME_DIR, relative));
    if (!path.startsWith(RUNTIME_DIR.endsWith(sep) ? RUNTIME_DIR : RUNTIME_DIR + sep) || !existsSync(path) || !statSync(path).isFile()) return next();
    res.setHeader('Content-Type', TYPES[/** @type {keyof typeof TYPES} */ (extname(path))] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(path).size));
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    createReadStream(path).pipe(res);
  };
}
