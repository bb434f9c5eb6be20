/**
 * Reading a `text/event-stream` body: the `data` of each event, in order, parsed by
 * eventsource-parser (the parser the AI SDK and the openai package use). Stops when the signal aborts.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';

/** The data of each event in a server-sent event stream. */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream() as TransformStream<Uint8Array, string>).pipeThrough(new EventSourceParserStream()).getReader();
  const onAbort = (): void => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done || signal?.aborted) return;
      yield value.data;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}
