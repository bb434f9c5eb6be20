// Where ../shared's models are, and whether this checkout has them. Tests that need them use
// `describe.skipIf(!HAS_STORIES)` and say why in their title; CI always has ../shared.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The folder of the real tiny Llama (stories260K) in ../shared. */
export const STORIES_DIR = resolve(repoRoot, '../shared/models/stories260K');

/** Whether ../shared/models/stories260K is present. */
export const HAS_STORIES = existsSync(resolve(STORIES_DIR, 'stories260K.onnx'));

if (!HAS_STORIES) {
  console.warn(`[skip] ${STORIES_DIR} is absent: tests on the real stories260K weights are skipped.`);
}

/** Reads a file of stories260K as bytes. */
export function storiesFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(STORIES_DIR, name)));
}

/** The reference greedy decoding that ships with stories260K. */
export function storiesReference(): { prompt_ids: number[]; greedy_ids: number[]; text: string } {
  return JSON.parse(readFileSync(resolve(STORIES_DIR, 'reference-greedy.json'), 'utf8')) as {
    prompt_ids: number[];
    greedy_ids: number[];
    text: string;
  };
}
