/**
 * Instances of the vector kernels (kernels.wat): each has a memory of its own, which the caller lays
 * out. Null where WebAssembly SIMD is missing; callers then run the same loops in JavaScript.
 */
import { WASM_BASE64 } from './kernels-wasm';

/** The kernels' exports, typed. Offsets and sizes are in bytes unless named otherwise. */
export interface Kernels {
  readonly memory: WebAssembly.Memory;
  hamming(q: number, bits: number, rows: number, vecs: number, out: number, hist: number): void;
  hammingRows(q: number, bits: number, list: number, count: number, vecs: number, out: number, hist: number): void;
  collect(dist: number, count: number, threshold: number, ties: number, out: number): number;
  dots8(q: number, data: number, rows: number, count: number, stride: number, out: number): void;
}

/** WebAssembly pages are 64 KiB. */
const WASM_PAGE = 65_536;

let compiled: WebAssembly.Module | null | undefined;

/** Compiled once, synchronously (under 1 KiB: within every engine's limit for synchronous compiles). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** A fresh instance with its own memory, or null without WebAssembly SIMD. */
export function newKernels(): Kernels | null {
  const module = kernelModule();
  if (!module) return null;
  return new WebAssembly.Instance(module, {}).exports as unknown as Kernels;
}

/** Grows the instance's memory to at least `bytes`. */
function ensureMemory(kernels: Kernels, bytes: number): void {
  const have = kernels.memory.buffer.byteLength;
  if (bytes > have) kernels.memory.grow(Math.ceil((bytes - have) / WASM_PAGE));
}

/**
 * Rows of a fixed size kept in a kernel instance's memory, or in JavaScript arrays where there are no
 * kernels. Subclasses lay the memory out: the query first, then the rows, then per-row scratch space.
 */
export abstract class KernelRows {
  protected readonly kernels: Kernels | null;
  #capacity = 0;

  /** @param kernels - an instance of its own, or null to work in JavaScript */
  protected constructor(kernels: Kernels | null) {
    this.kernels = kernels;
  }

  /** Whether the loops run on WebAssembly SIMD. */
  get simd(): boolean {
    return this.kernels !== null;
  }

  /** Bytes of memory the rows take (the instance's memory, or what the JavaScript arrays need). */
  get bytes(): number {
    return this.kernels ? this.kernels.memory.buffer.byteLength : this.bytesFor(this.#capacity);
  }

  /** How many rows fit. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Makes room for `wanted` rows, keeping the rows there are. */
  reserve(wanted: number): void {
    if (wanted <= this.#capacity) return;
    // A multiple of 8 keeps every region after the rows aligned for its typed array.
    const rows = Math.ceil(wanted / 8) * 8;
    if (this.kernels) ensureMemory(this.kernels, this.bytesFor(rows));
    else this.growArrays(rows);
    this.#capacity = rows;
    // Views over WebAssembly memory go stale when it grows; they are made again.
    if (this.kernels) this.viewMemory(this.kernels.memory.buffer);
  }

  /** Bytes of memory the layout needs for this many rows. */
  protected abstract bytesFor(rows: number): number;
  /** Without kernels: grows the JavaScript arrays, keeping their rows. */
  protected abstract growArrays(rows: number): void;
  /** With kernels: makes the typed-array views over the memory for the current capacity. */
  protected abstract viewMemory(buffer: ArrayBuffer): void;
}
