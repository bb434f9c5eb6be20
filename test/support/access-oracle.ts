// A small model of memos-web's access and lifecycle rules, written from the README and the MemCube
// design, not from src/governance: the property tests (test/unit/api-properties.test.ts, npm run fuzz)
// run random operations against a real MemOS and this model side by side and compare after each step.

/** What a share gives. */
export type Access = 'read' | 'write';
/** The states the random operations can reach. */
export type State = 'generated' | 'activated' | 'archived' | 'frozen';

/** A memory as the model knows it. */
export interface ModelMemory {
  readonly id: string;
  readonly cubeId: string;
  readonly ownerId: string;
  readonly visibility: 'shared' | 'private';
  state: State;
  /** The live state an archived or frozen memory returns to. */
  stateBefore: State | null;
  /** The text at each version: texts[v - 1]. Its length is the memory's version. */
  texts: string[];
}

/** A cube as the model knows it. */
export interface ModelCube {
  readonly owner: string;
  readonly shares: Map<string, Access>;
  /** Audit entries that name this cube. */
  audited: number;
}

/** An exported file and what it held when it was written. */
export interface ModelFile {
  readonly text: string;
  readonly cubeId: string;
  readonly memories: readonly ModelMemory[];
}

/** The expected outcome of a call: success, or the error codes it may fail with. */
export type Outcome = { readonly ok: true } | { readonly fails: readonly string[] };

export const OK: Outcome = { ok: true };
export const fails = (...codes: string[]): Outcome => ({ fails: codes });

const LIVE: readonly State[] = ['generated', 'activated'];

/** The rules, as plain data. */
export class AccessModel {
  readonly users = new Set<string>();
  readonly cubes = new Map<string, ModelCube>();
  readonly memories = new Map<string, ModelMemory>();
  readonly purged = new Map<string, ModelMemory>();
  readonly files: ModelFile[] = [];

  canRead(cubeId: string, userId: string): boolean {
    const cube = this.cubes.get(cubeId);
    return cube !== undefined && (cube.owner === userId || cube.shares.has(userId));
  }

  canWrite(cubeId: string, userId: string): boolean {
    const cube = this.cubes.get(cubeId);
    return cube !== undefined && (cube.owner === userId || cube.shares.get(userId) === 'write');
  }

  /** Readable cube, and the memory is shared, or the user wrote it, or the user owns the cube. */
  canSee(memory: ModelMemory, userId: string): boolean {
    const cube = this.cubes.get(memory.cubeId);
    if (!cube || !this.canRead(memory.cubeId, userId)) return false;
    return memory.visibility === 'shared' || memory.ownerId === userId || cube.owner === userId;
  }

  isLive(memory: ModelMemory): boolean {
    return LIVE.includes(memory.state);
  }

  /** The memories a user sees in a cube (every state). */
  visibleIn(cubeId: string, userId: string): ModelMemory[] {
    return [...this.memories.values()].filter((m) => m.cubeId === cubeId && this.canSee(m, userId));
  }

  /** Outcome of reading a cube (getAll, export, a scoped search): not found, or no access. */
  readCube(cubeId: string, userId: string): Outcome {
    if (!this.cubes.has(cubeId)) return fails('CUBE_NOT_FOUND');
    return this.canRead(cubeId, userId) ? OK : fails('FORBIDDEN');
  }

  /** Outcome of reading one memory. */
  readMemory(memoryId: string, userId: string): Outcome {
    const memory = this.memories.get(memoryId);
    if (!memory) return fails('MEMORY_NOT_FOUND');
    if (!this.canRead(memory.cubeId, userId)) return fails('FORBIDDEN');
    return this.canSee(memory, userId) ? OK : fails('MEMORY_NOT_FOUND');
  }

  /** Outcome of the access part of changing one memory (before the change's own rules). */
  writeMemory(memoryId: string, userId: string): Outcome {
    const memory = this.memories.get(memoryId);
    if (!memory) return fails('MEMORY_NOT_FOUND');
    if (!this.canWrite(memory.cubeId, userId)) return fails('FORBIDDEN');
    return this.canSee(memory, userId) ? OK : fails('MEMORY_NOT_FOUND');
  }

  /** A new version of a memory with the given text and state, audited on its cube. */
  change(memory: ModelMemory, text: string, state: State): void {
    memory.texts.push(text);
    memory.state = state;
    this.audit(memory.cubeId);
  }

  audit(cubeId: string): void {
    const cube = this.cubes.get(cubeId);
    if (cube) cube.audited++;
  }

  textOf(memory: ModelMemory): string {
    return memory.texts[memory.texts.length - 1]!;
  }
}
