// Node cannot import @mlc-ai/web-xgrammar's UMD file as an ES module (../shared/RECIPES.md): copy it
// to a .cjs file once and require that, then put it where src/inference/json-grammar.ts looks
// (globalThis.xgrammar). Browsers import the package directly; this is only the Node host's part.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const dir = join(tmpdir(), 'memos-xgrammar');
mkdirSync(dir, { recursive: true });
const target = join(dir, 'xgrammar-0.1.27.cjs');
copyFileSync(require.resolve('@mlc-ai/web-xgrammar'), target);
(globalThis as { xgrammar?: unknown }).xgrammar = require(target);
