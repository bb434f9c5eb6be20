// The layers of docs/architecture.md, checked on every import in src/ (static, dynamic and re-exports):
// a folder imports only the folders drawn below it, so a forbidden arrow fails `npm test`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

/** Which folders each folder of src/ may import (besides itself). The root files (index.ts, lib.ts) are the package's entries. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  core: [],
  protocol: ['core'],
  storage: ['core', 'protocol'],
  search: ['core', 'protocol'],
  inference: ['core', 'protocol'],
  governance: ['core', 'protocol', 'storage'],
  memory: ['core', 'protocol', 'storage', 'search', 'inference'],
  scheduler: ['core', 'protocol', 'storage', 'search', 'inference', 'memory', 'governance'],
  sync: ['core', 'protocol'],
  os: ['core', 'protocol', 'storage', 'search', 'inference', 'memory', 'governance', 'scheduler', 'sync'],
  client: ['core', 'protocol'],
  ui: ['core', 'protocol', 'client', 'integrations'],
  integrations: ['core', 'protocol'],
  '(root)': ['core', 'protocol', 'storage', 'search', 'inference', 'memory', 'governance', 'scheduler', 'sync', 'os', 'client', 'ui', 'integrations'],
};

/** Every relative module specifier in a file's text: import, export … from, and import(). */
export function specifiersOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*'([^']+)'|import\s*\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec?.startsWith('.')) out.push(spec);
  }
  return out;
}

function folderOf(path: string): string {
  const rel = relative(SRC, path);
  return rel.includes(sep) ? rel.split(sep)[0]! : '(root)';
}

/** The forbidden imports among the given files: "file → target". */
export function violations(files: readonly { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    const from = folderOf(path);
    for (const spec of specifiersOf(text)) {
      const target = normalize(join(dirname(path), spec));
      const rel = relative(SRC, target);
      if (rel.startsWith('..')) {
        found.push(`${relative(SRC, path)} → ${spec} (outside src/)`);
        continue;
      }
      const to = folderOf(target);
      if (to !== from && !(ALLOWED[from] ?? []).includes(to)) found.push(`${relative(SRC, path)} → ${rel}`);
    }
  }
  return found;
}

function sourceFiles(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [{ path, text: readFileSync(path, 'utf8') }] : [];
  });
}

describe('the layers of src/', () => {
  it('every import in src/ follows the arrows of docs/architecture.md', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    expect(violations(files)).toEqual([]);
  });

  it('every folder of src/ has its row in the table', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  it('catches a page-side file importing the worker side, and any file reaching outside src/', () => {
    const ui = join(SRC, 'ui/some-view.ts');
    const client = join(SRC, 'client/some-client.ts');
    const core = join(SRC, 'core/some-type.ts');
    expect(
      violations([
        { path: ui, text: "import type { MemOS } from '../os/memos';\nimport { html } from 'lit';" },
        { path: client, text: "const m = await import('../inference/ort-decoder');" },
        { path: core, text: "export { x } from '../storage/store';\nimport '../../workers/memory.worker';" },
        { path: ui, text: "import type { MemoryApi } from '../protocol/memory-api';" },
      ]),
    ).toEqual(['ui/some-view.ts → os/memos', 'client/some-client.ts → inference/ort-decoder', 'core/some-type.ts → storage/store', 'core/some-type.ts → ../../workers/memory.worker (outside src/)']);
  });
});

describe('the one write path of memories', () => {
  const files = sourceFiles(SRC).map((f) => ({ ...f, rel: relative(SRC, f.path).split(sep).join('/') }));

  it('only src/os/memory-writes.ts puts, adds or deletes memory records', () => {
    const writers = files.filter((f) => /objectStore\('memories'\)\.(put|add|delete)\(|\.objectStore\('memories'\);[\s\S]*?\.(put|add|delete)\(/.test(f.text));
    expect(writers.map((f) => f.rel)).toEqual(['os/memory-writes.ts']);
  });

  it('only src/os/index-keeping.ts adds records to or removes them from the search index', () => {
    const keepers = files.filter((f) => /(?<!#)\bindex\.(upsert|remove)\(/.test(f.text) && !f.rel.startsWith('search/'));
    expect(keepers.map((f) => f.rel)).toEqual(['os/index-keeping.ts']);
  });
});
