/**
 * A turn of the event loop for long loops in a worker: an abort sent from another thread (a Stop
 * button's message on a port) is a task, and it runs only when the loop that should stop lets other
 * tasks run. Awaiting a promise is not enough — a model run that resolves at once leaves only
 * microtasks. Browsers: a message to ourselves — a task queued behind the messages already there,
 * without the timers' 4 ms clamp (`scheduler.yield()` would not do: its continuation may run before
 * tasks already queued). Node: `setImmediate` (Node drains a port's messages in one go, so messages to
 * ourselves would starve every other task).
 */
let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];

/** Resolves after the tasks already queued (messages, timers) have had their turn. */
export function nextTask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate(resolve));
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(null);
  });
}
