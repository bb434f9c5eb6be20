// memos-web's own OpenAI-compatible endpoint, imported into the app's service worker (vite.config.ts,
// workbox.importScripts). `GET v1/models` and `POST v1/chat/completions` under the app's scope are
// answered by the tab that asked (or another open tab of the app), which runs chat() with the in-tab
// model and the user's memories (src/client/openai-endpoint.ts); answers stream as server-sent events.
// Nothing here leaves the device: the request never reaches the network.
// @ts-check
/// <reference lib="webworker" />
/** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self)).addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const scope = new URL(/** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self)).registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(`${scope.pathname}v1/`)) return;
  const path = url.pathname.slice(scope.pathname.length);
  const method = path === 'v1/models' && event.request.method === 'GET' ? 'models' : path === 'v1/chat/completions' && event.request.method === 'POST' ? 'chat' : null;
  event.respondWith(method ? forward(event, method) : json(404, { error: { message: `memos-web answers GET v1/models and POST v1/chat/completions, not ${event.request.method} ${path}.`, type: 'not_found' } }));
});

/** @param {number} status @param {unknown} body */
function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** The tab that asked, else any open tab of the app. @param {string} clientId */
async function tabFor(clientId) {
  const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
  const asking = clientId ? await sw.clients.get(clientId) : undefined;
  if (asking) return asking;
  const tabs = await sw.clients.matchAll({ type: 'window' });
  return tabs[0];
}

/** @param {FetchEvent} event @param {'models' | 'chat'} method @returns {Promise<Response>} */
async function forward(event, method) {
  const body = method === 'chat' ? await event.request.json().catch(() => null) : null;
  if (method === 'chat' && (!body || typeof body !== 'object')) return json(400, { error: { message: 'The body must be a JSON chat completion request.', type: 'invalid_input' } });
  const tab = await tabFor(event.clientId);
  if (!tab) return json(503, { error: { message: 'No tab of memos-web is open to answer.', type: 'model_not_loaded' } });
  const channel = new MessageChannel();
  tab.postMessage({ type: 'memos-openai', method, body }, [channel.port2]);
  const encoder = new TextEncoder();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(json(503, { error: { message: 'The memos-web tab did not answer.', type: 'model_not_loaded' } })), 10_000);
    /** @type {ReadableStreamDefaultController<Uint8Array> | undefined} */
    let stream;
    channel.port1.onmessage = ({ data }) => {
      if (data.type === 'json' || (data.type === 'error' && !stream)) {
        clearTimeout(timer);
        resolve(json(data.status, data.body));
      } else if (data.type === 'stream-start') {
        clearTimeout(timer);
        resolve(
          new Response(
            new ReadableStream({
              start(controller) {
                stream = controller;
              },
              cancel() {
                channel.port1.postMessage({ type: 'cancel' });
              },
            }),
            { headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' } },
          ),
        );
      } else if (data.type === 'event') stream?.enqueue(encoder.encode(`data: ${data.data}\n\n`));
      else if (data.type === 'error') {
        stream?.enqueue(encoder.encode(`data: ${JSON.stringify(data.body)}\n\n`));
        stream?.close();
      } else if (data.type === 'end') {
        stream?.enqueue(encoder.encode('data: [DONE]\n\n'));
        stream?.close();
      }
    };
  });
}
