/**
 * Reads the weights of a TensorFlow.js graph model (model.json and its binary shards) into named typed
 * arrays, without tfjs: the ONNX writer of USE-lite needs only the numbers. Quantized weights are
 * refused (the shipped model has none).
 */
import { MemosError } from '../../core/errors';
import type { ModelFiles } from './embedder';

/** One weight: its shape and values. */
export interface TfjsWeight {
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

interface ManifestEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: unknown;
}

interface ManifestGroup {
  readonly paths: readonly string[];
  readonly weights: readonly ManifestEntry[];
}

function manifestOf(json: unknown, location: string): ManifestGroup[] {
  const manifest = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) throw new MemosError('MODEL_INVALID', `${location}: model.json has no weightsManifest.`);
  return manifest as ManifestGroup[];
}

/**
 * Reads every weight of a tfjs graph model.
 * @throws {MemosError} MODEL_UNREACHABLE when a file cannot be read; MODEL_INVALID when the files do not
 *   hold what the manifest says, or a weight is quantized or of another type than float32/int32
 */
export async function readTfjsWeights(files: ModelFiles): Promise<Map<string, TfjsWeight>> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await files.read('model.json')));
  } catch (error) {
    if (error instanceof MemosError) throw error;
    throw new MemosError('MODEL_INVALID', `${files.location}: model.json is not JSON.`);
  }
  const weights = new Map<string, TfjsWeight>();
  for (const group of manifestOf(json, files.location)) {
    const shards = await Promise.all(group.paths.map((path) => files.read(path)));
    const bytes = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
    let at = 0;
    for (const shard of shards) {
      bytes.set(new Uint8Array(shard), at);
      at += shard.byteLength;
    }
    let offset = 0;
    for (const entry of group.weights) {
      if (entry.quantization !== undefined || (entry.dtype !== 'float32' && entry.dtype !== 'int32')) {
        throw new MemosError('MODEL_INVALID', `${files.location}: weight ${entry.name} is ${entry.quantization ? 'quantized' : entry.dtype}.`);
      }
      const count = entry.shape.reduce((n, d) => n * d, 1);
      const end = offset + count * 4;
      if (end > bytes.byteLength) throw new MemosError('MODEL_INVALID', `${files.location}: the weight files end before ${entry.name}.`);
      const slice = bytes.slice(offset, end).buffer;
      weights.set(entry.name, { shape: entry.shape, data: entry.dtype === 'int32' ? new Int32Array(slice) : new Float32Array(slice) });
      offset = end;
    }
    if (offset !== bytes.byteLength) throw new MemosError('MODEL_INVALID', `${files.location}: the weight files hold ${bytes.byteLength - offset} bytes more than the manifest names.`);
  }
  return weights;
}
