/**
 * AbortSignal cannot cross to a worker, so a call that takes one sends a MessagePort instead: the page
 * posts on it when the signal aborts, and the worker turns the port back into a signal.
 */

/** Page side: a port that fires when the signal aborts (the caller transfers it), or undefined. */
export function portForSignal(signal: AbortSignal | undefined): MessagePort | undefined {
  if (!signal) return undefined;
  const channel = new MessageChannel();
  const fire = () => {
    channel.port1.postMessage('abort');
    channel.port1.close();
  };
  if (signal.aborted) fire();
  else signal.addEventListener('abort', fire, { once: true });
  return channel.port2;
}

/** Worker side: a signal that aborts when the page posts on the port. Call `done` when the call ends. */
export function signalForPort(port: MessagePort | undefined): { signal: AbortSignal | undefined; done: () => void } {
  if (!port) return { signal: undefined, done: () => undefined };
  const controller = new AbortController();
  port.onmessage = () => controller.abort();
  port.start();
  return { signal: controller.signal, done: () => port.close() };
}
