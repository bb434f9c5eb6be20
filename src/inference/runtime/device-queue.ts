/**
 * One queue for the device: jobs that use the model (load, generate) run one at a time, in order.
 * A job that fails or is aborted rejects its own promise and the queue goes on with the next.
 */
import { MemosError } from '../../core/errors';

/** A serial job queue that survives failed jobs. */
export class DeviceQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  /** Jobs waiting or running. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Runs `job` after every job queued before it.
   * @throws {MemosError} ABORTED when `signal` aborts before the job starts (the job never runs)
   */
  run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.#pending++;
    const result = this.#tail.then(() => {
      if (signal?.aborted) throw new MemosError('ABORTED', 'The job was cancelled while it waited for the device.');
      return job();
    });
    const settle = (): void => {
      this.#pending--;
    };
    this.#tail = result.then(settle, settle);
    return result;
  }
}
