/**
 * Checks a ZIP container (a Word file) before anything reads it whole: every entry is inflated in small
 * steps while the bytes it gives are counted, so a "zip bomb" — a small file that inflates to gigabytes
 * — is refused after at most the limit, whatever sizes its headers claim.
 */
import { Unzip, UnzipInflate } from 'fflate';
import { MemosError } from '../../core/errors';

/** What a ZIP holds, as measured by inflating it. */
export interface ZipCensus {
  readonly names: readonly string[];
  /** Bytes all entries inflate to. */
  readonly inflatedBytes: number;
}

/** Compressed bytes handed to the inflater per step: its output per step stays below ~17 MB (deflate's ratio is at most ~1032:1). */
const STEP = 16 * 1024;

/**
 * Inflates every entry of a ZIP, counting, and stops as soon as the total passes `maxInflated` bytes
 * or the entries pass `maxEntries`.
 * @throws {MemosError} DOCUMENT_TOO_LARGE past a limit; DOCUMENT_INVALID when it is not a readable ZIP
 */
export function censusOfZip(bytes: Uint8Array, limits: { maxInflated: number; maxEntries: number }): ZipCensus {
  const names: string[] = [];
  let inflated = 0;
  let failure: MemosError | undefined;
  const unzip = new Unzip((file) => {
    names.push(file.name);
    if (names.length > limits.maxEntries) {
      failure ??= new MemosError('DOCUMENT_TOO_LARGE', `The file holds more than ${limits.maxEntries} parts.`, { reason: 'entries' });
      return;
    }
    file.ondata = (error, chunk) => {
      if (error) {
        failure ??= new MemosError('DOCUMENT_INVALID', `A part of the file (${file.name}) could not be read: ${error.message}`, { reason: 'corrupt' });
        return;
      }
      inflated += chunk.length;
      if (inflated > limits.maxInflated) {
        failure ??= new MemosError('DOCUMENT_TOO_LARGE', `The file unpacks to more than ${limits.maxInflated} bytes (a "zip bomb"?).`, { reason: 'inflated' });
        file.terminate();
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < bytes.length && failure === undefined; at += STEP) unzip.push(bytes.subarray(at, at + STEP), at + STEP >= bytes.length);
  } catch (error) {
    failure ??= new MemosError('DOCUMENT_INVALID', `The file is not a readable ZIP container: ${String(error)}`, { reason: 'corrupt' });
  }
  if (failure) throw failure;
  return { names, inflatedBytes: inflated };
}
