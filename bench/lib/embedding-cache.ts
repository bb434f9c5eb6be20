// An embedder wrapper for benchmarks that keeps vectors on disk by text, so that tuning runs do not
// pay for the same embeddings again. Keyed by the model's fingerprint; never used by the product.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fingerprintKey, type Embedder } from '../../src/inference/embedders/embedder';

/** Wraps an embedder with a disk cache in `dir` (bench/.cache by default). Call `save()` at the end. */
export function cachedEmbedder(inner: Embedder, dir = 'bench/.cache'): Embedder & { save(): void } {
  const d = inner.fingerprint.dimension;
  const file = `${dir}/${createHash('sha1').update(fingerprintKey(inner.fingerprint)).digest('hex').slice(0, 12)}.vectors`;
  const cache = new Map<string, Float32Array>();
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const entries = JSON.parse(buf.subarray(4, 4 + buf.readUInt32LE(0)).toString('utf8')) as string[];
    const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + 4 + buf.readUInt32LE(0), buf.byteOffset + buf.byteLength));
    entries.forEach((key, i) => cache.set(key, floats.slice(i * d, (i + 1) * d)));
  }
  const key = (text: string) => createHash('sha1').update(text).digest('base64');
  let dirty = false;
  return {
    fingerprint: inner.fingerprint,
    ...(inner.scripts && { scripts: inner.scripts }),
    ...(inner.languages && { languages: inner.languages }),
    async embed(texts, signal) {
      const missing = [...new Set(texts.filter((t) => !cache.has(key(t))))];
      if (missing.length > 0) {
        const vectors = await inner.embed(missing, signal);
        missing.forEach((t, i) => cache.set(key(t), vectors[i]!));
        dirty = true;
      }
      return texts.map((t) => cache.get(key(t))!.slice());
    },
    dispose: () => inner.dispose(),
    save() {
      if (!dirty) return;
      mkdirSync(dir, { recursive: true });
      const keys = [...cache.keys()];
      const header = Buffer.from(JSON.stringify(keys), 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(header.length);
      const floats = new Float32Array(keys.length * d);
      keys.forEach((k, i) => floats.set(cache.get(k)!, i * d));
      writeFileSync(file, Buffer.concat([length, header, Buffer.from(floats.buffer)]));
    },
  };
}
