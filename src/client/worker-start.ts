/** Starting a worker for a client, with its failures as MemosError('WORKER_FAILED'). */
import { MemosError } from '../core/errors';

/**
 * The given worker, or a new one from `start`, plus a promise that rejects if its script fails to
 * load (race the first call against it).
 * @throws {MemosError} WORKER_FAILED when the worker cannot be constructed
 */
export function startClientWorker(given: Worker | undefined, start: () => Worker): { worker: Worker; failed: Promise<never> } {
  let worker: Worker;
  try {
    worker = given ?? start();
  } catch (error) {
    if (error instanceof MemosError) throw error;
    throw new MemosError('WORKER_FAILED', error instanceof Error ? error.message : String(error));
  }
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => reject(new MemosError('WORKER_FAILED', event.message || 'The worker script failed to load.')), { once: true });
  });
  // Nobody may be listening once the first call succeeded; never report that as unhandled.
  failed.catch(() => undefined);
  return { worker, failed };
}
