/**
 * The contract between the page and the memory worker (workers/memory.worker.ts). Type-only apart
 * from the list of method names, which both sides share.
 */
import type { OnnxEmbedderSpec } from './inference-types';
import type { CallOptions, ChatParams, ChatResult, ChatToken, TaskProgress } from './memory-types';
import type { MemoryApi } from './memory-api';
import type { RankingOptions } from './search-types';

/** The MemOS methods the worker serves. */
export const API_METHODS = [
  'createUser',
  'listUsers',
  'getUser',
  'createCube',
  'setCubePolicy',
  'listCubes',
  'registerCube',
  'unregisterCube',
  'shareCube',
  'unshareCube',
  'deleteCube',
  'deleteUser',
  'reset',
  'add',
  'search',
  'get',
  'getAll',
  'update',
  'delete',
  'restore',
  'freeze',
  'unfreeze',
  'purge',
  'history',
  'rollback',
  'configureSync',
  'startSync',
  'stopSync',
  'syncStatus',
  'resumeSync',
  'forgetSync',
  'syncIdentity',
  'grantSync',
  'addDocument',
  'listDocuments',
  'entities',
  'related',
  'relations',
  'editEntity',
  'topics',
  'graphStatus',
  'getDocument',
  'documentFile',
  'deleteDocument',
  'exportCube',
  'importCube',
  'auditLog',
  'recordAgentCall',
  'rebuildIndex',
  'settled',
  'vectorStatus',
  'buildActivation',
  'composeActivations',
  'listActivations',
  'activate',
  'deactivate',
  'evictActivation',
  'importAdapter',
  'listAdapters',
  'exportAdapter',
  'activateAdapter',
  'deactivateAdapter',
  'deleteAdapter',
  'distillAdapter',
  'distillCandidates',
  'sweepExpired',
  'consolidate',
  'workingMemory',
  'setConsent',
  'extract',
  'acceptProposals',
  'schedulerStatus',
  'listJobs',
  'setIdle',
] as const satisfies readonly (keyof MemoryApi)[];

/** One method name of the API. */
export type ApiMethod = (typeof API_METHODS)[number];
/** The first parameter of a method. */
export type ParamsOf<M extends ApiMethod> = Parameters<MemoryApi[M]>[0];
/** What a method resolves to. */
export type ResultOf<M extends ApiMethod> = Awaited<ReturnType<MemoryApi[M]>>;

/** What the page may pass when it opens the worker's store (no functions cross the boundary). */
export interface WorkerOpenOptions {
  /** The IndexedDB database name: one store per name. */
  readonly name?: string;
  /** "strict" (default: a write resolves once on disk) or "relaxed". */
  readonly durability?: 'strict' | 'relaxed';
  /** Hybrid ranking weights; the defaults are tuned on the LoCoMo dev data. */
  readonly ranking?: Partial<RankingOptions>;
  /** The most bytes KV MemCubes may take before the least recently used are evicted (256 MB). */
  readonly kvBudgetBytes?: number;
  /**
   * The embedder the worker loads: "use-lite" (default; the shipped offline model, served from this
   * origin), "none" (full-text search only), or an ONNX sentence encoder (files from a URL or picked
   * by the user, cached for offline use). Switching model re-embeds in the background.
   */
  readonly embedder?: 'use-lite' | 'none' | OnnxEmbedderSpec;
  /**
   * With an ONNX embedder: also load USE-lite so that search keeps using its vectors until the new
   * model has re-embedded every memory ("use-lite", the default), or not ("none").
   */
  readonly previousEmbedder?: 'use-lite' | 'none';
}

/** What opening reports. */
export interface WorkerOpenResult {
  /** The embedder in use, or null when none is. */
  readonly embedder: string | null;
  /** Why the embedder could not load (the store opened without it), or null. */
  readonly embedderError: string | null;
}

/** The object the memory worker exposes through comlink. */
export interface MemoryWorkerApi {
  /** Opens the store; resolves once the index is rebuilt. */
  open(options: WorkerOpenOptions, onProgress?: (progress: TaskProgress) => void): Promise<WorkerOpenResult>;
  /** Calls one MemOS method; `abort` is a port from `portForSignal`, `onProgress` a comlink proxy. */
  invoke<M extends ApiMethod>(method: M, params: ParamsOf<M>, abort?: MessagePort, onProgress?: (progress: TaskProgress) => void): Promise<ResultOf<M>>;
  /** Runs one chat turn; tokens stream through `onToken` (a comlink proxy). */
  chat(params: ChatParams, onToken?: (token: ChatToken) => void, abort?: MessagePort): Promise<ChatResult>;
  /** Connects chat() to the inference worker through this port (null disconnects). */
  useInference(port: MessagePort | null): Promise<void>;
  /** Closes the store. */
  close(): Promise<void>;
}

/** The page-side API: every method, with an optional AbortSignal. */
export type MemosApi = {
  [M in ApiMethod]: (params: ParamsOf<M>, options?: CallOptions) => Promise<ResultOf<M>>;
};
