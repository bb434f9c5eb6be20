/**
 * The one error type of memos-web. Every failure a caller can act on carries a `code` from a closed
 * set, a message that says what failed and what to do, and optional structured `details`.
 * The code survives the worker boundary (see `src/protocol/error-transfer.ts`).
 */

/** What each error code means and what the caller can do about it. */
export const ERROR_MESSAGES = {
  INVALID_INPUT: 'The input is not valid. Check the argument named in details.',
  USER_NOT_FOUND: 'No such user. Create it first with createUser().',
  USER_EXISTS: 'A user with this id already exists.',
  CUBE_NOT_FOUND: 'No such MemCube. Create or import it first.',
  CUBE_EXISTS: 'A MemCube with this id already exists. Import with mode "copy" to get a new id.',
  MEMORY_NOT_FOUND: 'No such memory. It may have been purged.',
  VERSION_NOT_FOUND: 'That version does not exist in the memory history.',
  FORBIDDEN: 'This user has no access of that kind to the MemCube. Ask its owner to share it.',
  ILLEGAL_TRANSITION: 'The memory cannot move from its current lifecycle state to the one asked for.',
  MEMORY_FROZEN: 'The memory is frozen: unfreeze it before editing, merging or purging it.',
  VERSION_CONFLICT: 'The memory changed since it was read. Read it again and retry.',
  QUOTA_EXCEEDED: 'The browser refused to store more data (storage full). Nothing of this write was kept; free space or export and purge old memories.',
  STORAGE_FAILED: 'The browser storage failed. Nothing of this write was kept.',
  SCHEMA_TOO_NEW: 'The stored data was written by a newer memos-web. Update the app before opening it.',
  STORE_CLOSED: 'The store is closed. Open it again.',
  IMPORT_MALFORMED: 'The file is not a valid memos-web cube export. Nothing was imported.',
  IMPORT_TAMPERED: 'The file content does not match its checksum: it was changed after export. Nothing was imported.',
  IMPORT_UNSUPPORTED: 'The file was written in a format version this memos-web does not read. Nothing was imported.',
  IMPORT_TOO_LARGE: 'The file is larger than a cube file may be (40 MiB of text). Nothing was imported; split the cube or leave its large blobs out.',
  ABORTED: 'The operation was aborted before it completed. Nothing of it was kept.',
  WORKER_FAILED: 'The memory worker failed or could not start.',
  MODEL_UNREACHABLE: 'The model files or the model server could not be reached. Check the address (and, for a server, that it runs and allows this origin), or pick the files from disk.',
  MODEL_AUTH_FAILED: 'The model server refused the API key (or asked for one). Check the key and its permissions.',
  MODEL_RATE_LIMITED: 'The model server is limiting requests. Wait a moment and try again.',
  MODEL_INVALID: 'The model files are not a model this build can run.',
  EMBEDDER_MISMATCH: 'These vectors were made by another embedding model and cannot be compared.',
  MODEL_NOT_LOADED: 'No language model is loaded. Load one first; everything else in memOS keeps working without it.',
  CONTEXT_OVERFLOW: "The prompt does not fit in the model's context window. Shorten it or lower the memory budget.",
  INFERENCE_FAILED: 'The model failed while running. The model stays loaded; try again or reload it.',
  WEBGPU_UNAVAILABLE: 'This browser or device offers no WebGPU adapter. Use the wasm engine, or enable WebGPU.',
  SHADER_F16_MISSING: 'The GPU does not support 16-bit floats in shaders (shader-f16), which this model needs. Pick an f32 model.',
  GPU_OUT_OF_MEMORY: 'The GPU ran out of memory for this model. Pick a smaller model or close other GPU work.',
  KV_INCOMPATIBLE: 'This KV cache was made for another model or layout and cannot be used with this one.',
  KV_CORRUPT: 'This stored KV cache is damaged (a checksum or size does not match). Rebuild it from its memories.',
  ADAPTER_INCOMPATIBLE: 'This adapter was made for another base model (or its weights do not fit this one) and cannot be applied.',
  DOCUMENT_UNSUPPORTED: 'memos-web does not read this kind of file (it reads PDF, Word .docx, HTML, Markdown and plain text; not encrypted PDFs). Nothing was stored.',
  DOCUMENT_INVALID: 'The file is damaged or truncated, or is not what its name says. Nothing was stored.',
  DOCUMENT_TOO_LARGE: 'The document is over a limit (bytes, pages, or what its parts unpack to). Nothing was stored; raise the limit in the call\'s options or split the document.',
  DOCUMENT_NOT_FOUND: 'No such document. It may have been deleted.',
  SYNC_KEY_INVALID: 'The passphrase does not open this cube\'s key on the sync server. Nothing was synced; check the passphrase.',
  SYNC_TAMPERED: 'A document from the sync server failed its authentication (it was changed on the server or on the way). It was refused and nothing of it was applied.',
  SYNC_UNREACHABLE: 'The sync server could not be reached or refused the request (address, database name, credentials). Local memory keeps working; sync retries when started again.',
  SYNC_NOT_CONFIGURED: 'Sync is not set up for this cube. Call configureSync first.',
  ADAPTER_INVALID: 'The adapter files are not a LoRA adapter memos-web can read (safetensors with lora_A/lora_B pairs, and their config). Nothing was stored.',
} as const;

/** The closed set of error codes. */
export type MemosErrorCode = keyof typeof ERROR_MESSAGES;

/** The plain-data form of a MemosError, as it crosses a worker boundary or is logged. */
export interface MemosErrorData {
  readonly code: MemosErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** Tells whether a string is one of the known error codes. */
export function isMemosErrorCode(value: unknown): value is MemosErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_MESSAGES, value);
}

/**
 * An error with a code from {@link MemosErrorCode}.
 * @example
 * try { await memos.update(...) } catch (e) { if (e instanceof MemosError && e.code === 'FORBIDDEN') … }
 */
export class MemosError extends Error {
  /** What went wrong, as a stable code to branch on. */
  readonly code: MemosErrorCode;
  /** Structured facts about the failure (ids, field names), never user content. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  /**
   * @param code - the error code
   * @param detail - a sentence that adds to the standard message for this code
   * @param details - structured facts about the failure
   */
  constructor(code: MemosErrorCode, detail?: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(detail ? `${ERROR_MESSAGES[code]} ${detail}` : ERROR_MESSAGES[code], options);
    this.name = 'MemosError';
    this.code = code;
    this.details = details;
  }

  /** The plain-data form, for transfer and logs. */
  toData(): MemosErrorData {
    return { code: this.code, message: this.message, details: this.details };
  }

  /** Rebuilds an error from its plain-data form; an unknown code becomes WORKER_FAILED. */
  static fromData(data: MemosErrorData): MemosError {
    const code = isMemosErrorCode(data.code) ? data.code : 'WORKER_FAILED';
    const error = new MemosError(code, undefined, data.details ? { ...data.details } : undefined);
    error.message = data.message;
    return error;
  }
}

/** Tells whether a value is a MemosError, optionally of one code. */
export function isMemosError(value: unknown, code?: MemosErrorCode): value is MemosError {
  return value instanceof MemosError && (code === undefined || value.code === code);
}
