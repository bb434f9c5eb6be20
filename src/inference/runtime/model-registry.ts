/**
 * The models a user can load: built-in entries plus ones they add (a folder URL, or files picked from
 * disk so nothing is fetched). Files are kept in a {@link ModelFileStore} so the second load is
 * offline; the storage each model uses is visible and can be freed.
 */
import { z } from 'zod/mini';
import { MemosError } from '../../core/errors';
import { fetchWithProgress, type DownloadProgress, type ModelFileStore } from './model-files';
import type { ModelEntry, ModelView, OrtModelEntry, UserModelEntry } from '../../protocol/inference-types';

// zod/mini carries no messages of its own: errors name what is wrong in English, as the classic build did.
z.config(z.locales.en());

const REGISTRY_ID = '__registry__';
const REGISTRY_FILE = 'user-models.json';

const fileName = z.string().check(z.minLength(1), z.maxLength(200), z.regex(/^[^/\\]+$/, 'a file name, not a path'));
/** A model's label: shown in every view, so held to the rules of a name (no control characters). */
const label = z.string().check(z.minLength(1), z.maxLength(200), z.regex(/^[^\p{Cc}]+$/u, 'no control characters'));
const ortEntrySchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^[\w.-]+$/, 'letters, digits, dot, dash, underscore')),
  label,
  engine: z.literal('ort'),
  baseUrl: z.nullable(z.url().check(z.endsWith('/'))),
  files: z.object({ model: fileName, tokenizer: fileName, tokenizerConfig: z.optional(fileName) }),
  tokenizerFormat: z.enum(['tokenizer.json', 'llama2c']),
  vocabSize: z.optional(z.int().check(z.positive())),
  contextLength: z.int().check(z.positive(), z.maximum(1 << 20)),
  rope: z.optional(z.object({ theta: z.number().check(z.positive()), layout: z.enum(['interleaved', 'half']) })),
  description: z.optional(z.string().check(z.maxLength(2000))),
  license: z.optional(z.string().check(z.maxLength(200))),
});
const webLlmEntrySchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^[\w.-]+$/)),
  label,
  engine: z.literal('web-llm'),
  webLlmModelId: z.string().check(z.minLength(1), z.maxLength(200)),
  record: z.optional(z.object({ modelUrl: z.url(), modelLibUrl: z.url() })),
  contextLength: z.int().check(z.positive()),
  needsShaderF16: z.boolean(),
  vramMB: z.optional(z.number().check(z.positive())),
  description: z.optional(z.string().check(z.maxLength(2000))),
});
const userEntrySchema = z.discriminatedUnion('engine', [ortEntrySchema, webLlmEntrySchema]);

/** The file names an ORT entry needs. */
export function entryFileNames(entry: OrtModelEntry): string[] {
  return [entry.files.model, entry.files.tokenizer, ...(entry.files.tokenizerConfig ? [entry.files.tokenizerConfig] : [])];
}

/** Built-in and user-added models, with their stored files. */
export class ModelRegistry {
  readonly #store: ModelFileStore;
  readonly #builtIns: readonly ModelEntry[];

  constructor(store: ModelFileStore, builtIns: readonly ModelEntry[]) {
    this.#store = store;
    this.#builtIns = builtIns;
  }

  /** The file store (for storage figures). */
  get store(): ModelFileStore {
    return this.#store;
  }

  async #userEntries(): Promise<ModelEntry[]> {
    const bytes = await this.#store.get(REGISTRY_ID, REGISTRY_FILE);
    if (!bytes) return [];
    const parsed = z.array(userEntrySchema).safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data.map((e) => ({ ...e, builtIn: false }) as ModelEntry) : [];
  }

  async #saveUserEntries(entries: readonly ModelEntry[]): Promise<void> {
    const plain = entries.map(({ builtIn: _builtIn, ...rest }) => rest);
    await this.#store.put(REGISTRY_ID, REGISTRY_FILE, new TextEncoder().encode(JSON.stringify(plain)));
  }

  /** Every entry with its stored bytes. */
  async list(): Promise<ModelView[]> {
    const entries = [...this.#builtIns, ...(await this.#userEntries())];
    const stored = await this.#store.list();
    return entries.map((entry) => {
      const files = stored.filter((f) => f.modelId === entry.id);
      const storedBytes = files.reduce((n, f) => n + f.bytes, 0);
      const cached = entry.engine === 'ort' && entryFileNames(entry).every((name) => files.some((f) => f.name === name));
      return { entry, storedBytes, cached };
    });
  }

  /**
   * One entry.
   * @throws {MemosError} MODEL_UNREACHABLE when no model has that id
   */
  async get(id: string): Promise<ModelEntry> {
    const entry = [...this.#builtIns, ...(await this.#userEntries())].find((e) => e.id === id);
    if (!entry) throw new MemosError('MODEL_UNREACHABLE', `No model "${id}" in the registry.`, { modelId: id });
    return entry;
  }

  /**
   * Adds (or replaces) a user entry.
   * @throws {MemosError} INVALID_INPUT when the entry is malformed or names a built-in id
   */
  async add(input: UserModelEntry): Promise<ModelEntry> {
    const parsed = userEntrySchema.safeParse(input);
    if (!parsed.success) {
      throw new MemosError('INVALID_INPUT', `Model entry: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim(), {
        field: parsed.error.issues[0]?.path.join('.') ?? 'entry',
      });
    }
    if (this.#builtIns.some((e) => e.id === parsed.data.id)) {
      throw new MemosError('INVALID_INPUT', `"${parsed.data.id}" is a built-in model id.`, { field: 'id' });
    }
    if (parsed.data.engine === 'ort' && parsed.data.tokenizerFormat === 'llama2c' && parsed.data.vocabSize === undefined) {
      throw new MemosError('INVALID_INPUT', 'A llama2c tokenizer needs vocabSize.', { field: 'vocabSize' });
    }
    const entry = { ...parsed.data, builtIn: false } as ModelEntry;
    const others = (await this.#userEntries()).filter((e) => e.id !== entry.id);
    await this.#saveUserEntries([...others, entry]);
    return entry;
  }

  /**
   * Adds an entry whose files the user picked: they are stored first, so the model loads with no
   * network. Every file the entry names must be given.
   * @throws {MemosError} INVALID_INPUT when a named file is missing
   */
  async addFiles(input: Omit<OrtModelEntry, 'builtIn' | 'baseUrl'>, files: readonly { name: string; data: Uint8Array }[]): Promise<ModelEntry> {
    const entry = { ...input, baseUrl: null } satisfies Omit<OrtModelEntry, 'builtIn'>;
    for (const name of entryFileNames({ ...entry, builtIn: false })) {
      if (!files.some((f) => f.name === name)) throw new MemosError('INVALID_INPUT', `The file ${name} was not given.`, { field: 'files', name });
    }
    const saved = await this.add(entry);
    for (const file of files) await this.#store.put(entry.id, file.name, file.data);
    return saved;
  }

  /** Deletes a model's stored files (the entry stays; a URL model downloads again on its next load). */
  async evict(id: string): Promise<void> {
    await this.#store.remove(id);
  }

  /**
   * Removes a user entry and its files.
   * @throws {MemosError} INVALID_INPUT for a built-in model
   */
  async remove(id: string): Promise<void> {
    if (this.#builtIns.some((e) => e.id === id)) throw new MemosError('INVALID_INPUT', 'Built-in models cannot be removed; evict their files instead.', { field: 'id' });
    await this.#saveUserEntries((await this.#userEntries()).filter((e) => e.id !== id));
    await this.#store.remove(id);
  }

  /** Bytes stored in all. */
  async storedBytes(): Promise<number> {
    return (await this.#store.list()).filter((f) => f.modelId !== REGISTRY_ID).reduce((n, f) => n + f.bytes, 0);
  }

  /**
   * The files of an ORT entry: from the store, else fetched (with progress) and stored.
   * @throws {MemosError} MODEL_UNREACHABLE when a file is neither stored nor fetchable; ABORTED
   */
  async files(entry: OrtModelEntry, onProgress?: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    for (const name of entryFileNames(entry)) {
      if (signal?.aborted) throw new MemosError('ABORTED', 'Loading the model stopped.');
      let data = await this.#store.get(entry.id, name);
      if (!data) {
        if (!entry.baseUrl) throw new MemosError('MODEL_UNREACHABLE', `The picked file ${name} is no longer stored: pick it again.`, { modelId: entry.id, name });
        data = await fetchWithProgress(new URL(name, entry.baseUrl).href, onProgress, signal);
        await this.#store.put(entry.id, name, data);
      } else {
        onProgress?.({ file: name, loaded: data.byteLength, total: data.byteLength });
      }
      out.set(name, data);
    }
    return out;
  }
}
