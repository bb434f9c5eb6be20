/**
 * Writers of one store coordinate with the Web Locks API, so that two tabs (or two workers) never
 * interleave a read-modify-write. Where Web Locks are missing (Node), an in-process queue stands in:
 * there is only one process to coordinate there.
 */

/** Runs a function while holding a named exclusive lock. */
export type LockRunner = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

function webLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}

const tails = new Map<string, Promise<unknown>>();

/** An in-process exclusive lock: calls with the same name run one after the other. */
export const inProcessLock: LockRunner = (name, fn) => {
  const previous = tails.get(name) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(name, tail);
  void tail.then(() => {
    if (tails.get(name) === tail) tails.delete(name);
  });
  return run;
};

/** The lock runner for this environment: Web Locks where they exist, else the in-process queue. */
export function defaultLockRunner(): LockRunner {
  const locks = webLocks();
  if (!locks) return inProcessLock;
  return (name, fn) => locks.request(name, fn);
}
