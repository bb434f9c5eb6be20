// Bad input for every public method: anything at all, and a valid call with one value at any depth
// replaced by junk or removed. Each call must succeed or throw a MemosError — never another error —
// and leave the store whole. Used by test/unit/api-bad-input.test.ts (fixed seed) and `npm run fuzz`.
import fc from 'fast-check';
import { MemosError } from '../../src/core/errors';
import { MemOS } from '../../src/os/memos';

/** The methods a caller can reach with one params object (chat and distillation need a model and are left to their own tests). */
export const METHODS = [
  'createUser', 'getUser', 'createCube', 'listCubes', 'registerCube', 'unregisterCube', 'shareCube', 'unshareCube', 'setCubePolicy',
  'setConsent', 'add', 'search', 'get', 'getAll', 'update', 'delete', 'restore', 'freeze', 'unfreeze', 'purge', 'rollback', 'history',
  'exportCube', 'importCube', 'auditLog', 'consolidate', 'workingMemory', 'extract', 'acceptProposals', 'listJobs', 'setIdle',
  'buildActivation', 'composeActivations', 'listActivations', 'activate', 'deactivate', 'evictActivation', 'importAdapter',
  'listAdapters', 'exportAdapter', 'activateAdapter', 'deactivateAdapter', 'distillCandidates', 'deleteAdapter',
  'deleteCube', 'deleteUser', 'reset', 'addDocument', 'listDocuments', 'getDocument', 'documentFile', 'deleteDocument', 'syncStatus', 'stopSync',
  'entities', 'related', 'relations', 'editEntity', 'topics', 'graphStatus',
] as const;

/** Values that break assumptions: wrong types, prototype names, huge and hostile strings, nesting. */
const junk = fc.oneof(
  fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }),
  fc.constantFrom('__proto__', 'constructor', 'toString', '', ' ', '\u0000', 'x'.repeat(300), 'ana', 'c1', -1, 1e308, Number.NaN, [], {}),
);

/** A valid call of each method, on the fixture below (MEMORY and FILE are filled in when it runs). */
const VALID: Readonly<Record<(typeof METHODS)[number], Record<string, unknown> | Record<string, unknown>[]>> = {
  createUser: { userId: 'cy', name: 'Cy' },
  getUser: { userId: 'ana' },
  createCube: { userId: 'ana', name: 'More', policy: { redaction: 'tag' } },
  listCubes: { userId: 'ana' },
  registerCube: { userId: 'ana', cubeId: 'c1' },
  unregisterCube: { userId: 'ana', cubeId: 'c1' },
  shareCube: { userId: 'ana', cubeId: 'c1', targetUserId: 'ben', access: 'read' },
  unshareCube: { userId: 'ana', cubeId: 'c1', targetUserId: 'ben' },
  setCubePolicy: { userId: 'ana', cubeId: 'c1', policy: { redaction: 'keep', language: 'german' } },
  deleteCube: { userId: 'ana', cubeId: 'c1' },
  deleteUser: { userId: 'ben' },
  reset: { confirm: 'delete everything' },
  setConsent: { userId: 'ana', mode: 'manual' },
  add: [
    { userId: 'ana', cubeId: 'c1', sessionId: 's1', messages: [{ role: 'user', content: 'hello there', id: 'm1', speaker: 'Ana', timestamp: '2026-01-01T00:00:00Z' }], reader: { windowSize: 2, overlap: 0 }, defaults: { tags: ['d'], priority: 4 } },
    { userId: 'ana', cubeId: 'c1', memory: { text: 'a memory', key: 'k', tags: ['t'], semanticType: 'fact', memoryType: 'user', visibility: 'private', ttlMs: 1000, priority: 3, sensitivity: ['s'], source: 'user', sourceRefs: [{ sessionId: 's', messageId: 'm', speaker: 'Ana', spokenAt: 1 }], validFrom: 5, metadata: { app: 'x', n: [1, { deep: true }] } } },
    { userId: 'ana', cubeId: 'c1', memories: [{ text: 'one' }, { text: 'two', expiresAt: 9e15 }] },
  ],
  search: { userId: 'ana', query: 'memory', cubeIds: ['c1'], topK: 5, mode: 'text', timeInQuery: 'filter', trackUsage: false, filters: { tagsAny: ['t'], states: ['generated'], from: 0, to: 9e15, ownerIds: ['ana'], sessionIds: ['s1'], semanticTypes: ['fact'], metadata: { app: 'x', n: 1 } } },
  get: { userId: 'ana', memoryId: 'MEMORY' },
  getAll: { userId: 'ana', cubeId: 'c1', offset: 0, limit: 10, states: ['generated'] },
  update: { userId: 'ana', memoryId: 'MEMORY', patch: { text: 'changed', tags: ['u'], key: 'k', priority: 2, expiresAt: null }, reason: 'why', expectedVersion: 1 },
  delete: { userId: 'ana', memoryId: 'MEMORY', reason: 'why' },
  restore: { userId: 'ana', memoryId: 'MEMORY' },
  freeze: { userId: 'ana', memoryId: 'MEMORY' },
  unfreeze: { userId: 'ana', memoryId: 'MEMORY' },
  purge: { userId: 'ana', memoryId: 'MEMORY', reason: 'why' },
  rollback: { userId: 'ana', memoryId: 'MEMORY', version: 1 },
  history: { userId: 'ana', memoryId: 'MEMORY' },
  exportCube: { userId: 'ana', cubeId: 'c1' },
  importCube: { userId: 'ana', file: 'FILE', mode: 'copy' },
  auditLog: { userId: 'ana', cubeId: 'c1', memoryId: 'MEMORY', actions: ['memory.add'], since: 0, until: 9e15, limit: 10 },
  consolidate: { userId: 'ana', cubeId: 'c1', limit: 10 },
  workingMemory: { userId: 'ana', sessionId: 's1' },
  extract: { userId: 'ana', cubeId: 'c1', memoryIds: ['MEMORY'] },
  acceptProposals: { userId: 'ana', jobId: 'job_x', indexes: [0] },
  listJobs: { states: ['done'], limit: 5 },
  setIdle: { idle: false },
  buildActivation: { userId: 'ana', cubeId: 'c1', memoryIds: ['MEMORY'], encoding: 'fp16' },
  composeActivations: { userId: 'ana', cubeId: 'c1', activationIds: ['act_x'] },
  listActivations: { userId: 'ana', cubeId: 'c1' },
  activate: { userId: 'ana', activationId: 'act_x', sessionId: 's1' },
  deactivate: { userId: 'ana', sessionId: 's1' },
  evictActivation: { userId: 'ana', activationId: 'act_x' },
  importAdapter: { userId: 'ana', cubeId: 'c1', name: 'style', safetensors: new Uint8Array(16), config: '{}' },
  listAdapters: { userId: 'ana', cubeId: 'c1' },
  exportAdapter: { userId: 'ana', adapterId: 'adp_x' },
  activateAdapter: { userId: 'ana', adapterId: 'adp_x', weight: 0.5 },
  deactivateAdapter: { userId: 'ana', adapterId: 'adp_x' },
  distillCandidates: { userId: 'ana', cubeId: 'c1', minAgeDays: 1, minUses: 1, limit: 5 },
  deleteAdapter: { userId: 'ana', adapterId: 'adp_x' },
  addDocument: { userId: 'ana', cubeId: 'c1', file: { name: 'notes.md', type: 'text/markdown', bytes: new TextEncoder().encode('# Plants\n\nThe fern needs shade.') }, options: { chunkTokens: 50, overlapTokens: 5, tags: ['d'], keepOriginal: true, embed: false, maxBytes: 1000, maxPages: 3 } },
  listDocuments: { userId: 'ana', cubeId: 'c1', includeSuperseded: true },
  entities: { userId: 'ana', cubeId: 'c1', query: 'ana', types: ['person', 'thing'], asOf: 1, limit: 5 },
  related: { userId: 'ana', memoryId: 'mem_x', limit: 3 },
  relations: { userId: 'ana', cubeId: 'c1', entity: 'Ana', asOf: 1, includeEnded: false, limit: 5 },
  editEntity: { userId: 'ana', cubeId: 'c1', key: 'mel', mergeInto: 'melanie', addAlias: 'mellie', name: 'Mel', type: 'person', reason: 'same person' },
  topics: { userId: 'ana', cubeId: 'c1' },
  graphStatus: { wait: true },
  getDocument: { userId: 'ana', documentId: 'doc_x' },
  documentFile: { userId: 'ana', documentId: 'doc_x' },
  deleteDocument: { userId: 'ana', documentId: 'doc_x', reason: 'why' },
  syncStatus: { userId: 'ana', cubeId: 'c1' },
  stopSync: { userId: 'ana', cubeId: 'c1' },
};

/** Every path to a value inside a params object (arrays and objects included). */
function pathsOf(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length > 0) out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out));
  else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) for (const k of Object.keys(value)) pathsOf((value as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

/** A valid call with one value (at any depth) replaced by junk, or removed. */
const oneFieldWrong = fc.tuple(fc.constantFrom(...METHODS), fc.nat(), fc.option(junk, { nil: undefined, freq: 8 })).map(([method, at, value]) => {
  const templates = VALID[method];
  const params = structuredClone(Array.isArray(templates) ? templates[at % templates.length]! : templates);
  const all = pathsOf(params);
  const path = all[at % all.length]!;
  let parent = params as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete parent[last];
  else Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
  return [method, params] as const;
});

/** Puts the real memory id and a real cube file where the generator left placeholders. */
export function withRealIds(params: unknown, memoryId: string, file: string): unknown {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return params;
  const out = { ...(params as Record<string, unknown>) };
  if (out['memoryId'] === 'MEMORY') out['memoryId'] = memoryId;
  if (Array.isArray(out['memoryIds'])) out['memoryIds'] = out['memoryIds'].map((id) => (id === 'MEMORY' ? memoryId : id));
  if (out['file'] === 'FILE') out['file'] = file;
  return out;
}

/** A call: a method and its params. */
export const badCall = fc.oneof(fc.tuple(fc.constantFrom(...METHODS), junk), oneFieldWrong);

/** Counts of a bad-input run. */
export interface BadInputStats {
  calls: number;
  succeeded: number;
  codes: Map<string, number>;
}

/**
 * Runs `runs` bad calls from `seed` against a fresh store holding one user pair, a cube and a memory;
 * then reopens it and checks that every memory of the cube has its whole version chain.
 */
export async function checkBadCalls(options: { seed: number; runs: number; name: string; stats: BadInputStats }): Promise<void> {
  const open = () => MemOS.open({ name: options.name, scheduler: false });
  let os = await open();
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createUser({ userId: 'ben', name: 'Ben' });
  await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana' });
  const memoryId = (await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'the first memory' } }))[0]!.id;
  const file = await os.exportCube({ userId: 'ana', cubeId: 'c1' });
  try {
    await fc.assert(
      fc.asyncProperty(badCall, async ([method, params]) => {
        options.stats.calls++;
        try {
          await (os[method] as (p: unknown) => Promise<unknown>).call(os, withRealIds(params, memoryId, file));
          options.stats.succeeded++;
        } catch (error) {
          if (!(error instanceof MemosError)) throw new Error(`${method}(${fc.stringify(params)}) threw ${error instanceof Error ? error.stack : String(error)}`);
          options.stats.codes.set(error.code, (options.stats.codes.get(error.code) ?? 0) + 1);
        }
      }),
      { seed: options.seed, numRuns: options.runs },
    );
    os.close();
    os = await open();
    // A valid deleteCube, deleteUser or reset in the run may have removed the cube: then nothing of
    // it may be left in the index either.
    const page = await os.getAll({ userId: 'ana', cubeId: 'c1', limit: 1000 }).catch((error: unknown) => {
      if (error instanceof MemosError && (error.code === 'CUBE_NOT_FOUND' || error.code === 'USER_NOT_FOUND')) return undefined;
      throw error;
    });
    if (!page) {
      for (const user of await os.listUsers()) {
        const hits = await os.search({ userId: user.userId, query: 'memory', trackUsage: false });
        if (hits.some((h) => h.memory.cubeId === 'c1')) throw new Error('a deleted cube still has memories in the index');
      }
      return;
    }
    for (const m of page.items) {
      const versions = (await os.history({ userId: 'ana', memoryId: m.id })).length;
      if (versions !== m.version) throw new Error(`after the bad calls, memory ${m.id} is v${m.version} with ${versions} versions`);
    }
  } finally {
    os.close();
  }
}
