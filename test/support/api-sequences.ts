// Random sequences of public-API operations by several users, run against a real MemOS and the
// independent model in access-oracle.ts, with every observable checked after every step. Used by the
// fixed-seed property test in `npm test` and by the long run of `npm run fuzz`.
import fc from 'fast-check';
import { MemosError } from '../../src/core/errors';
import type { MemoryItem } from '../../src/core/memory-item';
import { MemOS } from '../../src/os/memos';
import { AccessModel, fails, OK, type Access, type Outcome, type State } from './access-oracle';

/** User ids the operations draw from: hostile but valid ones, and ones every call must refuse. */
export const USER_POOL: readonly { readonly id: string; readonly valid: boolean }[] = [
  { id: 'ana', valid: true },
  { id: 'ben', valid: true },
  { id: 'constructor', valid: true },
  { id: '__proto__', valid: true },
  { id: 'toString', valid: true },
  { id: 'hasOwnProperty', valid: true },
  { id: 'valueOf', valid: true },
  { id: 'Zoë', valid: true },
  { id: '李小龙', valid: true },
  { id: '', valid: false },
  { id: '   ', valid: false },
  { id: 'ana b', valid: false },
  { id: 'ana ', valid: false },
  { id: 'tab\tid', valid: false },
  { id: 'nul\u0000', valid: false },
  { id: 'x'.repeat(129), valid: false },
];

/** Cube ids the operations create; imported copies add their own. */
export const CUBE_POOL = ['c1', 'c2', 'constructor', '__proto__', 'toString'] as const;

/** One operation, with indexes resolved against the state when it runs. */
export type Op =
  | { readonly kind: 'createUser'; readonly user: number }
  | { readonly kind: 'createCube'; readonly user: number; readonly cube: number }
  | { readonly kind: 'share'; readonly user: number; readonly cube: number; readonly target: number; readonly access: Access }
  | { readonly kind: 'unshare'; readonly user: number; readonly cube: number; readonly target: number }
  | { readonly kind: 'addMemory'; readonly user: number; readonly cube: number; readonly private: boolean }
  | { readonly kind: 'addMessages'; readonly user: number; readonly cube: number }
  | { readonly kind: 'update'; readonly user: number; readonly memory: number }
  | { readonly kind: 'move'; readonly user: number; readonly memory: number; readonly action: 'delete' | 'restore' | 'freeze' | 'unfreeze' }
  | { readonly kind: 'purge'; readonly user: number; readonly memory: number }
  | { readonly kind: 'rollback'; readonly user: number; readonly memory: number; readonly version: number }
  | { readonly kind: 'export'; readonly user: number; readonly cube: number }
  | { readonly kind: 'import'; readonly user: number; readonly file: number; readonly mode: 'keep-id' | 'copy' }
  | { readonly kind: 'search'; readonly user: number; readonly memory: number; readonly scoped: boolean }
  | { readonly kind: 'getAll'; readonly user: number; readonly cube: number };

const VALID_USERS = USER_POOL.flatMap((u, i) => (u.valid ? [i] : []));
const INVALID_USERS = USER_POOL.flatMap((u, i) => (u.valid ? [] : [i]));
/** Mostly valid users, so that sequences get somewhere; now and then one every call must refuse. */
const user = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...VALID_USERS) }, { weight: 1, arbitrary: fc.constantFrom(...INVALID_USERS) });
const cube = fc.nat(CUBE_POOL.length + 3);
const memory = fc.nat(63);

/** The operations, weighted so that sequences build up users, cubes and memories before using them. */
export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('createUser' as const), user }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('createCube' as const), user, cube }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('share' as const), user, cube, target: user, access: fc.constantFrom<Access>('read', 'write') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unshare' as const), user, cube, target: user }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('addMemory' as const), user, cube, private: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addMessages' as const), user, cube }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('update' as const), user, memory }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('move' as const), user, memory, action: fc.constantFrom('delete' as const, 'restore' as const, 'freeze' as const, 'unfreeze' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('purge' as const), user, memory }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rollback' as const), user, memory, version: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('export' as const), user, cube }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('import' as const), user, file: fc.nat(7), mode: fc.constantFrom('keep-id' as const, 'copy' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('search' as const), user, memory, scoped: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('getAll' as const), user, cube }) },
);

/** Counts of what a run did, for the fuzz report. */
export interface SequenceStats {
  sequences: number;
  operations: number;
  refused: number;
  checks: number;
}

export const newStats = (): SequenceStats => ({ sequences: 0, operations: 0, refused: 0, checks: 0 });

/** A discrepancy between the store and the model. */
export class Divergence extends Error {
  override name = 'Divergence';
}

function check(stats: SequenceStats, ok: boolean, what: () => string): void {
  stats.checks++;
  if (!ok) throw new Divergence(what());
}

function sameSet(a: Iterable<string>, b: Iterable<string>): boolean {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Runs one sequence against a fresh store and the model; throws a Divergence at the first difference. */
export async function runSequence(ops: readonly Op[], stats: SequenceStats, name: string): Promise<void> {
  stats.sequences++;
  const clock = { now: Date.UTC(2026, 0, 1) };
  const open = () => MemOS.open({ name, clock: () => clock.now, scheduler: false });
  let os = await open();
  const model = new AccessModel();
  const importedCubes: string[] = [];
  let words = 0;
  const word = () => `w${(words++).toString(36)}q`;
  const cubeAt = (i: number) => [...CUBE_POOL, ...importedCubes][i % (CUBE_POOL.length + importedCubes.length)]!;
  const memoryAt = (i: number) => {
    const all = [...model.memories.keys(), ...model.purged.keys()];
    return all.length === 0 ? 'mem_none' : all[i % all.length]!;
  };
  try {
    for (const [step, op] of ops.entries()) {
      clock.now += 1_000;
      stats.operations++;
      const u = USER_POOL[op.user]!;
      const label = () => `step ${step}: ${JSON.stringify(op)} by ${JSON.stringify(u.id)}`;
      const touched = await runOp(os, model, op, u, { cubeAt, memoryAt, word, importedCubes, stats, label });
      await checkState(os, model, stats, label, u.valid ? u.id : undefined, touched);
    }
    os.close();
    // Reopened, the store holds exactly what was acknowledged, and the rebuilt index agrees with it.
    os = await open();
    await checkState(os, model, stats, () => 'after reopening', undefined, [...model.cubes.keys()], true);
  } finally {
    os.close();
  }
}

interface RunContext {
  cubeAt(i: number): string;
  memoryAt(i: number): string;
  word(): string;
  readonly importedCubes: string[];
  readonly stats: SequenceStats;
  label(): string;
}

/** Runs one operation, compares its outcome with the model's, and updates the model. Returns the cubes it touched. */
async function runOp(os: MemOS, model: AccessModel, op: Op, u: (typeof USER_POOL)[number], ctx: RunContext): Promise<string[]> {
  const userId = u.id;
  let expected: Outcome;
  let act: () => Promise<unknown>;
  let apply: (result: unknown) => Promise<void> | void = () => undefined;
  let touched: string[] = [];
  const invalid = !u.valid ? fails('INVALID_INPUT') : undefined;

  switch (op.kind) {
    case 'createUser': {
      expected = invalid ?? (model.users.has(userId) ? fails('USER_EXISTS') : OK);
      act = () => os.createUser({ userId, name: `name of ${userId}` });
      apply = () => void model.users.add(userId);
      break;
    }
    case 'createCube': {
      const cubeId = ctx.cubeAt(op.cube);
      expected = invalid ?? (!model.users.has(userId) ? fails('USER_NOT_FOUND') : model.cubes.has(cubeId) ? fails('CUBE_EXISTS') : OK);
      act = () => os.createCube({ userId, cubeId, name: `cube ${cubeId}` });
      apply = () => void model.cubes.set(cubeId, { owner: userId, shares: new Map(), audited: 1 });
      touched = [cubeId];
      break;
    }
    case 'share':
    case 'unshare': {
      const cubeId = ctx.cubeAt(op.cube);
      const target = USER_POOL[op.target]!;
      const owner = model.cubes.get(cubeId)?.owner;
      expected =
        invalid ??
        (!target.valid
          ? fails('INVALID_INPUT')
          : !model.cubes.has(cubeId)
            ? fails('CUBE_NOT_FOUND')
            : owner !== userId
              ? fails('FORBIDDEN')
              : !model.users.has(target.id)
                ? fails('USER_NOT_FOUND')
                : target.id === owner
                  ? fails('INVALID_INPUT')
                  : OK);
      act = () =>
        op.kind === 'share'
          ? os.shareCube({ userId, cubeId, targetUserId: target.id, access: op.access })
          : os.unshareCube({ userId, cubeId, targetUserId: target.id });
      apply = () => {
        const cube = model.cubes.get(cubeId)!;
        if (op.kind === 'share') cube.shares.set(target.id, op.access);
        else cube.shares.delete(target.id);
        cube.audited++;
      };
      touched = [cubeId];
      break;
    }
    case 'addMemory':
    case 'addMessages': {
      const cubeId = ctx.cubeAt(op.cube);
      const token = ctx.word();
      expected = invalid ?? (!model.cubes.has(cubeId) ? fails('CUBE_NOT_FOUND') : model.canWrite(cubeId, userId) ? OK : fails('FORBIDDEN'));
      const visibility = op.kind === 'addMemory' && op.private ? 'private' : 'shared';
      act = () =>
        op.kind === 'addMemory'
          ? os.add({ userId, cubeId, memory: { text: `note ${token} about the garden`, visibility, tags: ['t'] } })
          : os.add({ userId, cubeId, sessionId: `s-${token}`, messages: [{ role: 'user', content: `the ${token} arrived today`, speaker: userId }, { role: 'assistant', content: 'Thanks for telling.' }] });
      apply = (result) => {
        const items = result as MemoryItem[];
        check(ctx.stats, items.length === 1, () => `${ctx.label()}: expected one memory, got ${items.length}`);
        for (const item of items) {
          check(ctx.stats, item.cubeId === cubeId && item.ownerId === userId && item.visibility === visibility && item.version === 1 && item.text.includes(token), () => `${ctx.label()}: the new memory's header is wrong: ${JSON.stringify(item)}`);
          model.memories.set(item.id, { id: item.id, cubeId, ownerId: userId, visibility, state: 'generated', stateBefore: null, texts: [item.text] });
        }
        model.audit(cubeId);
      };
      touched = [cubeId];
      break;
    }
    case 'update': {
      const memoryId = ctx.memoryAt(op.memory);
      const m = model.memories.get(memoryId);
      const text = `changed ${ctx.word()} in the garden`;
      const access = model.writeMemory(memoryId, userId);
      expected = invalid ?? ('fails' in access ? access : m!.state === 'frozen' ? fails('MEMORY_FROZEN') : !model.isLive(m!) ? fails('ILLEGAL_TRANSITION') : OK);
      act = () => os.update({ userId, memoryId, patch: { text } });
      apply = () => model.change(m!, text, m!.state);
      touched = m ? [m.cubeId] : [];
      break;
    }
    case 'move': {
      const memoryId = ctx.memoryAt(op.memory);
      const m = model.memories.get(memoryId);
      const access = model.writeMemory(memoryId, userId);
      const from = m?.state;
      // The lifecycle edges the README and decision 0003 describe, for the states these runs reach.
      const target: State | undefined =
        op.action === 'delete'
          ? from === 'generated' || from === 'activated' ? 'archived' : undefined
          : op.action === 'freeze'
            ? from === 'generated' || from === 'activated' ? 'frozen' : undefined
            : op.action === 'restore'
              ? from === 'archived' ? (m!.stateBefore ?? 'activated') : undefined
              : from === 'frozen' ? (m!.stateBefore ?? 'activated') : undefined;
      expected = invalid ?? ('fails' in access ? access : target === undefined ? fails('ILLEGAL_TRANSITION') : OK);
      act = () => os[op.action]({ userId, memoryId });
      apply = () => {
        m!.stateBefore = target === 'archived' || target === 'frozen' ? from! : null;
        model.change(m!, model.textOf(m!), target!);
      };
      touched = m ? [m.cubeId] : [];
      break;
    }
    case 'purge': {
      const memoryId = ctx.memoryAt(op.memory);
      const m = model.memories.get(memoryId);
      const access = model.writeMemory(memoryId, userId);
      expected = invalid ?? ('fails' in access ? access : m!.state === 'frozen' ? fails('MEMORY_FROZEN') : OK);
      act = () => os.purge({ userId, memoryId });
      apply = () => {
        model.memories.delete(memoryId);
        model.purged.set(memoryId, m!);
        model.audit(m!.cubeId);
      };
      touched = m ? [m.cubeId] : [];
      break;
    }
    case 'rollback': {
      const memoryId = ctx.memoryAt(op.memory);
      const m = model.memories.get(memoryId);
      const access = model.writeMemory(memoryId, userId);
      expected =
        invalid ??
        ('fails' in access
          ? access
          : m!.state === 'frozen'
            ? fails('MEMORY_FROZEN')
            : !model.isLive(m!)
              ? fails('ILLEGAL_TRANSITION')
              : op.version > m!.texts.length
                ? fails('VERSION_NOT_FOUND')
                : OK);
      act = () => os.rollback({ userId, memoryId, version: op.version });
      apply = () => {
        const text = m!.texts[op.version - 1]!;
        // Rolling back to the text it has already changes nothing and writes no version.
        if (text !== model.textOf(m!)) model.change(m!, text, m!.state);
      };
      touched = m ? [m.cubeId] : [];
      break;
    }
    case 'export': {
      const cubeId = ctx.cubeAt(op.cube);
      expected = invalid ?? model.readCube(cubeId, userId);
      act = () => os.exportCube({ userId, cubeId });
      apply = (result) => {
        const file = result as string;
        const visible = model.visibleIn(cubeId, userId);
        const exported = (JSON.parse(file) as { memories: { id: string }[] }).memories.map((x) => x.id);
        check(ctx.stats, sameSet(exported, visible.map((x) => x.id)), () => `${ctx.label()}: exported ${exported.join(',')}, may export ${visible.map((x) => x.id).join(',')}`);
        model.files.push({ text: file, cubeId, memories: visible.map((x) => ({ ...x, texts: [...x.texts] })) });
        model.audit(cubeId);
      };
      touched = [cubeId];
      break;
    }
    case 'import': {
      const file = model.files.length === 0 ? undefined : model.files[op.file % model.files.length]!;
      if (!file) return [];
      expected = invalid ?? (!model.users.has(userId) ? fails('USER_NOT_FOUND') : op.mode === 'keep-id' ? fails('CUBE_EXISTS') : OK);
      act = () => os.importCube({ userId, file: file.text, mode: op.mode });
      apply = async (result) => {
        const cubeId = (result as { cubeId: string }).cubeId;
        check(ctx.stats, !model.cubes.has(cubeId), () => `${ctx.label()}: the copy reused cube id ${cubeId}`);
        model.cubes.set(cubeId, { owner: userId, shares: new Map(), audited: 1 });
        ctx.importedCubes.push(cubeId);
        touched.push(cubeId);
        // The copy's memories have new ids: matched to the file's by their text, unique within a cube.
        const page = await os.getAll({ userId, cubeId, limit: 1000 });
        check(ctx.stats, page.total === file.memories.length, () => `${ctx.label()}: the copy holds ${page.total} memories, the file ${file.memories.length}`);
        for (const item of page.items) {
          const source = file.memories.find((x) => x.texts[x.texts.length - 1] === item.text);
          check(ctx.stats, source !== undefined && !model.memories.has(item.id) && !model.purged.has(item.id), () => `${ctx.label()}: imported memory ${item.id} matches nothing in the file`);
          model.memories.set(item.id, { ...source!, id: item.id, cubeId, texts: [...source!.texts] });
        }
      };
      touched = [file.cubeId];
      break;
    }
    case 'search': {
      const memoryId = ctx.memoryAt(op.memory);
      const m = model.memories.get(memoryId) ?? model.purged.get(memoryId);
      const query = m ? (/w[0-9a-z]+q/.exec(model.textOf(m))?.[0] ?? 'nothing') : 'nothing';
      const cubeId = m?.cubeId ?? ctx.cubeAt(0);
      expected = invalid ?? (!model.users.has(userId) ? fails('USER_NOT_FOUND') : op.scoped ? model.readCube(cubeId, userId) : OK);
      act = () => os.search({ userId, query, topK: 1000, ...(op.scoped && { cubeIds: [cubeId] }) });
      apply = (result) => {
        const ids = (result as { memory: MemoryItem }[]).map((h) => h.memory.id);
        for (const id of ids) {
          const found = model.memories.get(id);
          check(ctx.stats, found !== undefined && model.canSee(found, userId) && model.isLive(found), () => `${ctx.label()}: search returned ${id}, which ${userId} may not see or is not live`);
        }
        if (op.scoped) {
          const expectIds = [...model.memories.values()].filter((x) => x.cubeId === cubeId && model.isLive(x) && model.canSee(x, userId) && model.textOf(x).includes(query)).map((x) => x.id);
          check(ctx.stats, sameSet(ids, expectIds), () => `${ctx.label()}: search for ${query} found [${ids.join(',')}], expected [${expectIds.join(',')}]`);
        }
      };
      break;
    }
    case 'getAll': {
      const cubeId = ctx.cubeAt(op.cube);
      expected = invalid ?? model.readCube(cubeId, userId);
      act = () => os.getAll({ userId, cubeId, limit: 1000 });
      break;
    }
  }

  let result: unknown;
  let error: unknown;
  try {
    result = await act();
  } catch (e) {
    error = e;
  }
  if ('ok' in expected) {
    if (error !== undefined) throw new Divergence(`${ctx.label()}: expected success, got ${describe(error)}`);
    await apply(result);
  } else {
    ctx.stats.refused++;
    const code = error instanceof MemosError ? error.code : undefined;
    check(ctx.stats, code !== undefined && expected.fails.includes(code), () => `${ctx.label()}: expected ${expected.fails.join(' or ')}, got ${error === undefined ? 'success' : describe(error)}`);
    // A refused identifier is named in the error.
    if (code === 'INVALID_INPUT') check(ctx.stats, typeof (error as MemosError).details?.['field'] === 'string', () => `${ctx.label()}: INVALID_INPUT without a field`);
  }
  return touched;
}

function describe(error: unknown): string {
  return error instanceof MemosError ? `${error.code}: ${error.message}` : String(error instanceof Error ? error.stack : error);
}

/**
 * Compares the store with the model: for every valid user (and one who does not exist) and every cube,
 * getAll lists exactly the memories the rules allow, with the model's version, state and text; the acting
 * user's get agrees on every memory, purged ones included; touched cubes have one audit entry per change
 * and every memory of them its full version chain. `full` adds every user's get and a search of every memory.
 */
async function checkState(os: MemOS, model: AccessModel, stats: SequenceStats, label: () => string, actor: string | undefined, touched: readonly string[], full = false): Promise<void> {
  const viewers = [...USER_POOL.filter((u) => u.valid).map((u) => u.id), 'nobody-here'];
  for (const viewer of viewers) {
    for (const cubeId of model.cubes.keys()) {
      const expected = model.readCube(cubeId, viewer);
      const got = await os.getAll({ userId: viewer, cubeId, limit: 1000 }).catch((e: unknown) => e);
      if ('fails' in expected) {
        check(stats, got instanceof MemosError && expected.fails.includes(got.code), () => `${label()}: getAll of ${cubeId} by ${viewer} should fail with ${expected.fails.join('/')}, got ${got instanceof MemosError ? got.code : 'success'}`);
        continue;
      }
      check(stats, !(got instanceof Error), () => `${label()}: getAll of ${cubeId} by ${viewer} failed: ${describe(got)}`);
      const items = (got as { items: MemoryItem[] }).items;
      const visible = model.visibleIn(cubeId, viewer);
      check(stats, sameSet(items.map((m) => m.id), visible.map((m) => m.id)), () => `${label()}: ${viewer} sees [${items.map((m) => m.id).join(',')}] in ${cubeId}, the rules allow [${visible.map((m) => m.id).join(',')}]`);
      for (const item of items) {
        const m = model.memories.get(item.id)!;
        check(stats, item.version === m.texts.length && item.state === m.state && item.text === model.textOf(m), () => `${label()}: memory ${item.id} is v${item.version} ${item.state} "${item.text}", the model says v${m.texts.length} ${m.state} "${model.textOf(m)}"`);
      }
    }
  }
  const getters = full ? viewers : actor !== undefined ? [actor] : [];
  for (const viewer of getters) {
    for (const id of [...model.memories.keys(), ...model.purged.keys()]) {
      const expected = model.readMemory(id, viewer);
      const got = await os.get({ userId: viewer, memoryId: id }).catch((e: unknown) => e);
      if ('ok' in expected) check(stats, !(got instanceof Error) && (got as MemoryItem).id === id, () => `${label()}: get ${id} by ${viewer} failed: ${describe(got)}`);
      else check(stats, got instanceof MemosError && expected.fails.includes(got.code), () => `${label()}: get ${id} by ${viewer} should fail with ${expected.fails.join('/')}, got ${got instanceof MemosError ? got.code : 'the memory'}`);
    }
  }
  for (const cubeId of touched) {
    const cube = model.cubes.get(cubeId);
    if (!cube) continue;
    const entries = await os.auditLog({ userId: cube.owner, cubeId, limit: 1000 });
    check(stats, entries.length === cube.audited, () => `${label()}: cube ${cubeId} has ${entries.length} audit entries, the model counts ${cube.audited}`);
    for (const m of model.visibleIn(cubeId, cube.owner)) {
      const history = await os.history({ userId: cube.owner, memoryId: m.id });
      const texts = history.map((v) => v.snapshot.text);
      check(stats, texts.length === m.texts.length && texts.every((t, i) => t === m.texts[i]), () => `${label()}: memory ${m.id} has versions [${texts.join(' | ')}], the model [${m.texts.join(' | ')}]`);
      if (full && model.isLive(m)) {
        const token = /w[0-9a-z]+q/.exec(model.textOf(m))?.[0] ?? '';
        const hits = await os.search({ userId: cube.owner, query: token, cubeIds: [cubeId], topK: 1000, trackUsage: false });
        check(stats, hits.map((h) => h.memory.id).includes(m.id), () => `${label()}: the rebuilt index does not find ${m.id} by its word ${token}`);
      }
    }
  }
}

/** Every sequence starts with a few users (hostile ids among them), a cube and a memory, so the random part has something to act on. */
const PRELUDE: readonly Op[] = [
  { kind: 'createUser', user: 0 },
  { kind: 'createUser', user: 2 },
  { kind: 'createUser', user: 3 },
  { kind: 'createCube', user: 0, cube: 0 },
  { kind: 'addMemory', user: 0, cube: 0, private: false },
];

/** Runs `runs` random sequences from `seed` with fast-check (shrinking a failure to its smallest form). */
export async function checkSequences(options: { seed: number; runs: number; maxLength: number; stats: SequenceStats; name: string }): Promise<void> {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(opArbitrary, { minLength: 1, maxLength: options.maxLength, size: 'max' }), async (ops) => {
      await runSequence([...PRELUDE, ...ops], options.stats, `${options.name}-${n++}`);
    }),
    { seed: options.seed, numRuns: options.runs, endOnFailure: false },
  );
}
