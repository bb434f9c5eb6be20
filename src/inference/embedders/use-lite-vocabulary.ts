/** USE-lite's SentencePiece vocabulary (vocab.json: [piece, score] pairs), read for either runtime's loader. */
import { MemosError } from '../../core/errors';
import type { ModelFiles } from './embedder';

/**
 * Reads and parses vocab.json.
 * @throws {MemosError} MODEL_UNREACHABLE when it cannot be read; MODEL_INVALID when it is not a list
 */
export async function readUseLiteVocabulary(files: ModelFiles): Promise<[string, number][]> {
  const bytes = await files.read('vocab.json');
  let vocabulary: unknown;
  try {
    vocabulary = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new MemosError('MODEL_INVALID', `${files.location}: vocab.json is not JSON.`);
  }
  if (!Array.isArray(vocabulary)) throw new MemosError('MODEL_INVALID', `${files.location}: vocab.json is not a list.`);
  return vocabulary as [string, number][];
}
