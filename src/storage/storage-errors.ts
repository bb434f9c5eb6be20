/** Turns what IndexedDB throws into MemosError codes. */
import { MemosError, isMemosError } from '../core/errors';

function errorName(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'name' in error) {
    const name = (error as { name: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

/**
 * Maps a storage failure to a MemosError: QuotaExceededError → QUOTA_EXCEEDED, VersionError →
 * SCHEMA_TOO_NEW, InvalidStateError on a closed connection → STORE_CLOSED, anything else →
 * STORAGE_FAILED. A MemosError passes through unchanged.
 */
export function toStorageError(error: unknown): MemosError {
  if (isMemosError(error)) return error;
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'QuotaExceededError':
      return new MemosError('QUOTA_EXCEEDED', undefined, { cause: name }, { cause: error });
    case 'VersionError':
      return new MemosError('SCHEMA_TOO_NEW', undefined, { cause: name }, { cause: error });
    case 'InvalidStateError':
      if (/clos/i.test(message)) return new MemosError('STORE_CLOSED', undefined, { cause: name }, { cause: error });
      break;
    case 'AbortError':
      break;
  }
  return new MemosError('STORAGE_FAILED', message, { cause: name ?? 'unknown' }, { cause: error });
}
