/** Model files read from a folder on disk, for Node (tests, benchmarks). Not part of the browser build. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemosError } from '../../core/errors';
import type { ModelFiles } from '../embedders/embedder';

/** Reads a model's files from a folder. */
export function filesInFolder(dir: string): ModelFiles {
  return {
    location: dir,
    async read(name) {
      try {
        const buffer = await readFile(join(dir, name));
        return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
      } catch (error) {
        throw new MemosError('MODEL_UNREACHABLE', `${name} in ${dir}: ${String(error)}`, { path: dir });
      }
    },
  };
}
