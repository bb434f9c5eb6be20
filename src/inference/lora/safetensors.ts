/**
 * The safetensors file format (Hugging Face): 8 bytes of header length (little-endian u64), a JSON
 * header naming each tensor's dtype, shape and byte range, then the raw data. Adapter cubes store
 * their LoRA weights in it, and PEFT adapters arrive in it. Reads F32, F16 and BF16 (widened to
 * float32) and writes F32. Written here because the format is two dozen lines and the npm packages for
 * it are unofficial ports; see docs/decisions/0019-parametric-memory.md.
 */
import { MemosError } from '../../core/errors';
import { recordOf } from '../../core/own-keys';

/** One tensor, as float32. */
export interface FloatTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A parsed file: tensors by name, and the free-form string metadata. */
export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, FloatTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const MAX_HEADER = 100 * 1024 * 1024;

function bad(message: string): MemosError {
  return new MemosError('ADAPTER_INVALID', `safetensors: ${message}`, { field: 'safetensors' });
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Reads a safetensors file. @throws {MemosError} ADAPTER_INVALID for anything malformed */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.byteLength < 8) throw bad('the file is shorter than its header length.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER || 8 + headerLength > bytes.byteLength) throw bad('the header length does not fit the file.');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch {
    throw bad('the header is not JSON.');
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, FloatTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = Object.fromEntries(Object.entries((entry ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`${name} has no valid shape.`);
    if (!Array.isArray(offsets) || offsets.length !== 2) throw bad(`${name} has no valid data_offsets.`);
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const width = dtype === 'F32' ? 4 : dtype === 'F16' || dtype === 'BF16' ? 2 : 0;
    if (!width) throw bad(`${name} is ${String(dtype)}; only F32, F16 and BF16 are read.`);
    if (!(begin >= 0 && end >= begin && dataStart + end <= bytes.byteLength && end - begin === count * width)) throw bad(`${name}'s data range does not match its shape.`);
    const data = new Float32Array(count);
    const at = bytes.byteOffset + dataStart + begin;
    const raw = new DataView(bytes.buffer, at, end - begin);
    for (let i = 0; i < count; i++) {
      data[i] =
        dtype === 'F32' ? raw.getFloat32(i * 4, true) : dtype === 'F16' ? halfToFloat(raw.getUint16(i * 2, true)) : new Float32Array(new Uint32Array([raw.getUint16(i * 2, true) << 16]).buffer)[0]!;
    }
    tensors.set(name, { shape: shape as number[], data });
  }
  return { tensors, metadata };
}

/** Writes float32 tensors (in name order) and string metadata as a safetensors file. */
export function writeSafetensors(tensors: ReadonlyMap<string, FloatTensor>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const names = [...tensors.keys()].sort();
  // No prototype: a tensor named "__proto__" is written as a tensor, not taken as the header's prototype.
  const header = recordOf<unknown>(Object.keys(metadata).length ? [['__metadata__', metadata]] : []);
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).byteLength) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const name of names) {
    const data = tensors.get(name)!.data;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}
