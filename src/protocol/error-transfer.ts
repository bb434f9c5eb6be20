/**
 * Keeps MemosError's code across the worker boundary. comlink's own "throw" handler sends only an
 * error's message, name and stack; this one wraps it so a MemosError arrives as a MemosError with its
 * code and details, and any other error arrives as MemosError('WORKER_FAILED') naming what it was.
 * Install it on both sides (the worker and the page) before the first call.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { MemosError, type MemosErrorData } from '../core/errors';

interface Thrown {
  value: unknown;
}

interface SerializedThrow {
  isError: boolean;
  value: unknown;
  memos?: MemosErrorData;
}

let installed = false;

/** Replaces comlink's handler for thrown values with one that carries MemosError codes. */
export function installErrorTransfer(): void {
  if (installed) return;
  const builtIn = transferHandlers.get('throw') as TransferHandler<Thrown, SerializedThrow> | undefined;
  if (!builtIn) throw new Error('comlink has no "throw" transfer handler to extend');
  const handler: TransferHandler<Thrown, SerializedThrow> = {
    canHandle: (value): value is Thrown => builtIn.canHandle(value),
    serialize(thrown) {
      const error = thrown.value;
      if (error instanceof MemosError) {
        return [{ isError: true, value: { message: error.message, name: error.name }, memos: error.toData() }, []];
      }
      const name = error instanceof Error ? error.name : typeof error;
      const message = error instanceof Error ? error.message : String(error);
      const data: MemosErrorData = { code: 'WORKER_FAILED', message: `${new MemosError('WORKER_FAILED').message} ${name}: ${message}`, details: { name } };
      return [{ isError: true, value: { message, name }, memos: data }, []];
    },
    deserialize(serialized) {
      if (serialized.memos) throw MemosError.fromData(serialized.memos);
      return builtIn.deserialize(serialized);
    },
  };
  transferHandlers.set('throw', handler);
  installed = true;
}
