// Fuzzed cube files: mutations of a valid export (fields removed, retyped, resized, duplicated, reordered,
// pointed at memories that do not exist, hostile strings), most with the checksum recomputed so that the
// checksum is not what refuses them. Each must import whole and valid, or be refused with a specific
// code leaving nothing behind — never a crash, never a hang. Used by `npm test` (fixed seed) and
// `npm run fuzz`.
import fc from 'fast-check';
import { MemosError } from '../../src/core/errors';
import { LIMITS } from '../../src/core/limits';
import { canonicalJson, sha256Hex, toBase64 } from '../../src/core/canonical-json';
import { MemOS } from '../../src/os/memos';

/** The codes a refused file may carry. */
export const REFUSAL_CODES = ['IMPORT_MALFORMED', 'IMPORT_TAMPERED', 'IMPORT_UNSUPPORTED', 'IMPORT_TOO_LARGE', 'CUBE_EXISTS'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** One change to a file's JSON tree; `at` picks a node among all of them (modulo their count). */
export type Mutation =
  | { readonly kind: 'remove'; readonly at: number }
  | { readonly kind: 'retype'; readonly at: number; readonly value: number }
  | { readonly kind: 'resize'; readonly at: number; readonly size: number }
  | { readonly kind: 'duplicate'; readonly at: number }
  | { readonly kind: 'reorder'; readonly at: number }
  | { readonly kind: 'dangle'; readonly at: number; readonly target: number }
  | { readonly kind: 'hostile'; readonly at: number; readonly value: number }
  | { readonly kind: 'extra-key'; readonly at: number; readonly key: number };

const RETYPED: readonly Json[] = [null, 0, -1, 1.5, 2 ** 53, '', 'x', true, [], {}, [1, 2], { a: 1 }, '9'.repeat(300)];
const SIZES = [0, 2, 33, 201, 1_001, LIMITS.textLength + 1, 1 << 20] as const;
const HOSTILE: readonly string[] = ['__proto__', 'constructor', 'toString', 'a\u0000b', 'lone\ud800', ' ', '', 'tab\there', '<script>alert(1)</script>', '../../etc', 'mem_ghost'];
const EXTRA_KEYS = ['__proto__', 'constructor', 'extra', 'checksum', 'format'] as const;

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: fc.nat(RETYPED.length - 1) }),
  fc.record({ kind: fc.constant('resize' as const), at: fc.nat(), size: fc.nat(SIZES.length - 1) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('reorder' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dangle' as const), at: fc.nat(), target: fc.nat() }),
  fc.record({ kind: fc.constant('hostile' as const), at: fc.nat(), value: fc.nat(HOSTILE.length - 1) }),
  fc.record({ kind: fc.constant('extra-key' as const), at: fc.nat(), key: fc.nat(EXTRA_KEYS.length - 1) }),
);

function paths(value: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) paths(value[key]!, [...at, key], out);
  return out;
}

function getAt(root: Json, path: Path): Json {
  let node = root;
  for (const key of path) node = (node as Record<string | number, Json>)[key]!;
  return node;
}

function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json> | Json[];
  const key = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Record<string, Json>)[key as string];
  } else if (Array.isArray(parent)) {
    parent[key as number] = value;
  } else {
    // Defined as an own property, so a key like "__proto__" is data, as JSON.parse makes it.
    Object.defineProperty(parent, key as string, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/** The ids in a file, for mutations that point one record at another's id or at none. */
function idsOf(root: Json): string[] {
  const ids: string[] = ['mem_ghost', 'cube_ghost'];
  for (const p of paths(root)) {
    const key = p[p.length - 1];
    const v = getAt(root, p);
    if (typeof v === 'string' && typeof key === 'string' && /(^id$|Id$|^by$)/.test(key)) ids.push(v);
  }
  return ids;
}

/** Applies one mutation to a (copied) file tree. */
export function mutate(root: Json, m: Mutation): Json {
  const all = paths(root);
  const path = all[m.at % all.length]!;
  const node = getAt(root, path);
  switch (m.kind) {
    case 'remove':
      return setAt(root, path, undefined);
    case 'retype':
      return setAt(root, path, structuredClone(RETYPED[m.value]!));
    case 'resize': {
      const size = SIZES[m.size]!;
      if (typeof node === 'string') return setAt(root, path, (node || 'x').repeat(Math.ceil(size / Math.max(1, node.length))).slice(0, size));
      if (Array.isArray(node)) return setAt(root, path, node.length === 0 ? [] : Array.from({ length: Math.min(size, 20_000) }, (_, i) => structuredClone(node[i % node.length]!)));
      if (typeof node === 'number') return setAt(root, path, size === 0 ? -node - 1 : node * size + size);
      return root;
    }
    case 'duplicate':
      if (Array.isArray(node) && node.length > 0) node.push(structuredClone(node[0]!));
      return root;
    case 'reorder':
      if (Array.isArray(node)) node.reverse();
      return root;
    case 'dangle': {
      if (typeof node !== 'string') return root;
      const ids = idsOf(root);
      return setAt(root, path, ids[m.target % ids.length]!);
    }
    case 'hostile':
      return typeof node === 'string' ? setAt(root, path, HOSTILE[m.value]!) : root;
    case 'extra-key':
      if (node !== null && typeof node === 'object' && !Array.isArray(node)) setAt(root, [...path, EXTRA_KEYS[m.key]!], { injected: true });
      return root;
  }
}

/** A file text with its checksum recomputed over the (mutated) body. */
export async function reseal(root: Json): Promise<string> {
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return canonicalJson(root);
  const body = Object.fromEntries(Object.entries(root).filter(([k]) => k !== 'checksum'));
  return canonicalJson({ ...body, checksum: `sha256:${await sha256Hex(canonicalJson(body))}` });
}

/** A varied valid export: versions, every state, a private memory, tags, source references, unicode, a blob. */
export async function baseCubeFile(name: string): Promise<string> {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const os = await MemOS.open({ name, clock: () => clock.now, scheduler: false });
  try {
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createUser({ userId: 'ben', name: 'Ben' });
    await os.createCube({ userId: 'ana', cubeId: 'fuzz-cube', name: 'Fuzz · Zürich 東京' });
    await os.shareCube({ userId: 'ana', cubeId: 'fuzz-cube', targetUserId: 'ben', access: 'write' });
    const [talk] = await os.add({
      userId: 'ana',
      cubeId: 'fuzz-cube',
      sessionId: 's1',
      messages: [
        { role: 'user', content: 'We moved to Zürich in May.', id: 'D1:1', speaker: 'Ana', timestamp: 1_700_000_000_000 },
        { role: 'assistant', content: 'Wie schön!', id: 'D1:2' },
      ],
    });
    const items = await os.add({
      userId: 'ana',
      cubeId: 'fuzz-cube',
      memories: [
        { text: 'Сестра живёт в Осло', tags: ['family', 'семья'], key: 'sister.city', semanticType: 'fact' },
        { text: 'Prefers tea to coffee', semanticType: 'preference', memoryType: 'user', priority: 8 },
        { text: 'Passport number is in the drawer', visibility: 'private', sensitivity: ['id'] },
      ],
    });
    await os.add({ userId: 'ben', cubeId: 'fuzz-cube', memory: { text: 'Ben owes Ana a book', visibility: 'private' } });
    clock.now += 1_000;
    await os.update({ userId: 'ana', memoryId: items[0]!.id, patch: { text: 'Сестра живёт в Бергене' }, reason: 'she moved' });
    await os.update({ userId: 'ana', memoryId: talk!.id, patch: { tags: ['move'] } });
    await os.delete({ userId: 'ana', memoryId: items[1]!.id });
    await os.freeze({ userId: 'ana', memoryId: items[2]!.id });
    await os.search({ userId: 'ana', query: 'Zürich' });
    const body = JSON.parse(await os.exportCube({ userId: 'ana', cubeId: 'fuzz-cube' })) as Record<string, Json>;
    const data = new TextEncoder().encode('an attachment of the first memory');
    (body['blobs'] as Json[]).push({ blobId: 'blob-1', memoryId: items[0]!.id, kind: 'attachment', chunk: 0, checksum: await sha256Hex(data.buffer), data: toBase64(data.buffer) });
    return reseal(body);
  } finally {
    os.close();
  }
}

/** Counts of a file fuzzing run. */
export interface FileFuzzStats {
  files: number;
  imported: number;
  refused: Record<string, number>;
}

export const newFileStats = (): FileFuzzStats => ({ files: 0, imported: 0, refused: {} });

/** How long one import may take before it counts as a hang. */
const IMPORT_TIME_LIMIT_MS = 20_000;

async function withinLimit<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${IMPORT_TIME_LIMIT_MS} ms`)), IMPORT_TIME_LIMIT_MS);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Imports one mutated file into a fresh store and checks the outcome: refused with a known code and
 * nothing stored, or imported whole (every memory of the file, each with its full history) and valid
 * (its export imports again into another fresh store).
 */
export async function checkMutatedFile(file: string, mode: 'keep-id' | 'copy', name: string, stats: FileFuzzStats): Promise<void> {
  stats.files++;
  const os = await MemOS.open({ name, scheduler: false });
  try {
    await os.createUser({ userId: 'ana', name: 'Ana' });
    let cube: { cubeId: string } | undefined;
    try {
      cube = await withinLimit(os.importCube({ userId: 'ana', file, mode }), 'the import');
    } catch (error) {
      if (!(error instanceof MemosError) || !(REFUSAL_CODES as readonly string[]).includes(error.code)) {
        throw new Error(`a file was refused without a known code: ${error instanceof Error ? error.stack : String(error)}`);
      }
      stats.refused[error.code] = (stats.refused[error.code] ?? 0) + 1;
      const left = await os.listCubes({ userId: 'ana' });
      if (left.length !== 0) throw new Error(`a refused file (${error.code}) left ${left.length} cube(s) behind`);
      const audit = await os.auditLog({ userId: 'ana', limit: 10 });
      if (audit.some((e) => e.action === 'cube.import')) throw new Error('a refused file left an audit entry');
      return;
    }
    stats.imported++;
    const parsed = JSON.parse(file) as { memories: { id: string; version: number }[] };
    const page = await os.getAll({ userId: 'ana', cubeId: cube.cubeId, limit: 1000 });
    if (page.total !== parsed.memories.length) throw new Error(`imported ${page.total} of the file's ${parsed.memories.length} memories`);
    for (const m of page.items) {
      const history = await os.history({ userId: 'ana', memoryId: m.id });
      if (history.length !== m.version) throw new Error(`imported memory ${m.id} is v${m.version} with ${history.length} versions`);
    }
    const again = await os.exportCube({ userId: 'ana', cubeId: cube.cubeId });
    const other = await MemOS.open({ name: `${name}-again`, scheduler: false });
    try {
      await other.createUser({ userId: 'ana', name: 'Ana' });
      await other.importCube({ userId: 'ana', file: again, mode: 'keep-id' });
    } finally {
      other.close();
    }
  } finally {
    os.close();
  }
}

/** Runs `runs` mutated files from `seed` (1–3 mutations each; one in eight keeps the old checksum). */
export async function checkMutatedFiles(options: { seed: number; runs: number; base: string; stats: FileFuzzStats; name: string }): Promise<void> {
  const base = JSON.parse(options.base) as Json;
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), fc.nat(7), fc.constantFrom('keep-id' as const, 'copy' as const), async (mutations, resealOdds, mode) => {
      let tree = structuredClone(base);
      for (const m of mutations) tree = mutate(tree, m);
      const file = resealOdds === 0 ? canonicalJson(tree) : await reseal(tree);
      await checkMutatedFile(file, mode, `${options.name}-${n++}`, options.stats);
    }),
    { seed: options.seed, numRuns: options.runs },
  );
}
