/** Issuing many IndexedDB requests of one transaction at once, and waiting for all of them. */

function isAbortError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

/**
 * Runs `issue`, which starts requests and hands each to `add`, then waits for all of them and returns
 * their results in order. IndexedDB pipelines requests issued together, where awaiting each in turn
 * costs a round trip per record. On failure — a request that fails, or `issue` throwing part-way (e.g.
 * a value that cannot be cloned) — it waits until every request has settled, so no rejection is left
 * unhandled, and throws the first real failure rather than the AbortErrors the others then get.
 */
export async function issueRequests<T = unknown>(issue: (add: (request: Promise<T>) => void) => void): Promise<T[]> {
  const requests: Promise<T>[] = [];
  let issueError: { error: unknown } | undefined;
  try {
    issue((request) => {
      requests.push(request);
    });
  } catch (error) {
    issueError = { error };
  }
  const settled = await Promise.allSettled(requests);
  if (issueError) throw issueError.error;
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
  if (failures.length > 0) throw failures.find((e) => !isAbortError(e)) ?? failures[0];
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
