/**
 * Where model files live once fetched or picked: the Cache API (persists across reloads and works
 * offline), or memory where no Cache API exists (Node, opaque origins). Plus a fetch that reports
 * progress and can be aborted.
 */
import { MemosError } from '../../core/errors';

/** One stored file. */
export interface StoredFile {
  readonly modelId: string;
  readonly name: string;
  readonly bytes: number;
}

/** A store of model files, keyed by model id and file name. */
export interface ModelFileStore {
  /** Whether files survive a reload. */
  readonly persistent: boolean;
  get(modelId: string, name: string): Promise<Uint8Array | undefined>;
  put(modelId: string, name: string, data: Uint8Array): Promise<void>;
  list(): Promise<StoredFile[]>;
  /** Removes every file of a model. */
  remove(modelId: string): Promise<void>;
}

const CACHE_NAME = 'memos-models-v1';
const PREFIX = '/__memos_models__/';
const SIZE_HEADER = 'x-memos-bytes';

/** Model files in the Cache API, under keys on this origin that are never fetched from a network. */
export class CacheModelFileStore implements ModelFileStore {
  readonly persistent = true;
  readonly #origin: string;

  constructor(origin: string) {
    this.#origin = origin;
  }

  /** Whether the Cache API can be used here. */
  static available(): boolean {
    return typeof caches !== 'undefined';
  }

  #key(modelId: string, name: string): string {
    return new URL(`${PREFIX}${encodeURIComponent(modelId)}/${encodeURIComponent(name)}`, this.#origin).href;
  }

  async get(modelId: string, name: string): Promise<Uint8Array | undefined> {
    const cache = await caches.open(CACHE_NAME);
    const response = await cache.match(this.#key(modelId, name));
    return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
  }

  async put(modelId: string, name: string, data: Uint8Array): Promise<void> {
    const cache = await caches.open(CACHE_NAME);
    try {
      await cache.put(
        this.#key(modelId, name),
        new Response(data as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream', [SIZE_HEADER]: String(data.byteLength) } }),
      );
    } catch (error) {
      if (error instanceof DOMException && error.name === 'QuotaExceededError') {
        throw new MemosError('QUOTA_EXCEEDED', `Model file ${name} did not fit.`, { modelId, name }, { cause: error });
      }
      throw new MemosError('STORAGE_FAILED', `Model file ${name} could not be cached.`, { modelId, name }, { cause: error });
    }
  }

  async list(): Promise<StoredFile[]> {
    const cache = await caches.open(CACHE_NAME);
    const files: StoredFile[] = [];
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (!path.startsWith(PREFIX)) continue;
      const [modelId, name] = path.slice(PREFIX.length).split('/').map(decodeURIComponent);
      const response = await cache.match(request);
      const size = Number(response?.headers.get(SIZE_HEADER) ?? 0);
      if (modelId && name) files.push({ modelId, name, bytes: size });
    }
    return files;
  }

  async remove(modelId: string): Promise<void> {
    const cache = await caches.open(CACHE_NAME);
    const prefix = new URL(`${PREFIX}${encodeURIComponent(modelId)}/`, this.#origin).href;
    for (const request of await cache.keys()) if (request.url.startsWith(prefix)) await cache.delete(request);
  }
}

/** Model files in memory: lost on reload. For Node and for browsers without the Cache API. */
export class MemoryModelFileStore implements ModelFileStore {
  readonly persistent = false;
  readonly #files = new Map<string, { modelId: string; name: string; data: Uint8Array }>();

  async get(modelId: string, name: string): Promise<Uint8Array | undefined> {
    return this.#files.get(`${modelId}\u0000${name}`)?.data;
  }
  async put(modelId: string, name: string, data: Uint8Array): Promise<void> {
    this.#files.set(`${modelId}\u0000${name}`, { modelId, name, data });
  }
  async list(): Promise<StoredFile[]> {
    return [...this.#files.values()].map((f) => ({ modelId: f.modelId, name: f.name, bytes: f.data.byteLength }));
  }
  async remove(modelId: string): Promise<void> {
    for (const [key, file] of this.#files) if (file.modelId === modelId) this.#files.delete(key);
  }
}

/** Progress of a download: bytes so far and the total when the server said it (else null). */
export interface DownloadProgress {
  readonly file: string;
  readonly loaded: number;
  readonly total: number | null;
}

/**
 * Fetches a file, reporting progress as it streams.
 * @throws {MemosError} MODEL_UNREACHABLE on a network failure or an HTTP error; ABORTED
 */
export async function fetchWithProgress(url: string, onProgress?: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<Uint8Array> {
  const file = url.slice(url.lastIndexOf('/') + 1);
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw new MemosError('ABORTED', `Download of ${file} stopped.`);
    throw new MemosError('MODEL_UNREACHABLE', `${file}: ${String(error)}`, { url }, { cause: error });
  }
  if (!response.ok || !response.body) throw new MemosError('MODEL_UNREACHABLE', `${file}: HTTP ${response.status}.`, { url, status: response.status });
  const header = Number(response.headers.get('content-length'));
  const total = Number.isFinite(header) && header > 0 ? header : null;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress?.({ file, loaded, total });
    }
  } catch (error) {
    if (signal?.aborted) throw new MemosError('ABORTED', `Download of ${file} stopped.`);
    throw new MemosError('MODEL_UNREACHABLE', `${file}: the download broke off.`, { url }, { cause: error });
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
