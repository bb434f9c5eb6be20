/** The parameter and result types of the MemOS API (src/os/memos.ts), shared with the worker contract. */
import type { AuditAction, AuditEntry } from '../core/audit';
import type { KvEncodingName } from '../core/activation-item';
import type { AdapterBase } from '../core/adapter-item';
import type { CubeAccess, CubeRecord, EmbedderFingerprint } from '../core/cube';
import type { JobRecord, JobState } from '../core/job';
import type { DistillOptions } from './inference-types';
import type { LifecycleState } from '../core/lifecycle';
import type { MetadataValue } from '../core/limits';
import type { MemoryItem, MemoryRelation, MemorySource, MemoryType, SemanticType, SourceRef, Visibility } from '../core/memory-item';
import type { SearchHit } from './search-types';

/** Options every long call takes. */
export interface CallOptions {
  /** Aborts the call; an aborted write keeps nothing. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Told how far a long call has got (opening a store, importing a cube, building a KV cube,
   * distilling an adapter); quick calls never call it. Across the worker it is called asynchronously,
   * in order (the last report may arrive just after the call resolves).
   */
  readonly onProgress?: ((progress: TaskProgress) => void) | undefined;
}

/** How far a long call has got. */
export interface TaskProgress {
  /**
   * What the call is doing now. Opening: "index" (memories indexed), "vectors" (vector blocks read;
   * the shipped embedder loads behind the open store). Import: "checking", "storing". KV cube: "prompt", "prefill" (tokens),
   * "storing". Distillation: "training" (steps). Sync: "sending", "receiving" (memories).
   */
  readonly phase: string;
  /** Units done in this phase. */
  readonly done: number;
  /** Units in this phase, when known. */
  readonly total?: number;
  /** What the units are. */
  readonly unit: 'items' | 'bytes' | 'tokens' | 'steps';
  /** A short note for people (e.g. the training loss). */
  readonly note?: string;
}

/** A memory given directly to `add` (instead of a conversation). */
export interface MemoryInput {
  readonly text: string;
  readonly key?: string | null;
  readonly semanticType?: SemanticType;
  readonly memoryType?: MemoryType;
  readonly tags?: readonly string[];
  readonly visibility?: Visibility;
  /** Time to live in ms from now; or give expiresAt. */
  readonly ttlMs?: number;
  readonly expiresAt?: number | null;
  readonly priority?: number;
  readonly sensitivity?: readonly string[];
  readonly source?: MemorySource;
  readonly sourceRefs?: readonly SourceRef[];
  /** When what it says became true, if not when it was said (e.g. "next Friday", resolved). */
  readonly validFrom?: number;
  /** When what it says stopped being true, when that is known ("until 2020"); after validFrom. */
  readonly validTo?: number;
  /**
   * The typed relation the memory states ("Melanie" —"lives in"→ "Boston"): an edge of the entity
   * graph with this memory's validity, versions and audit trail. In an update, `null` removes it.
   */
  readonly relation?: MemoryRelation | null;
  /**
   * The app's own data about the memory (its ids for it, a source URL…): a JSON object of at most
   * 8,192 characters, nested at most 4 deep. Versioned like the text, exported with the cube, and
   * usable as a search filter (`filters.metadata`). In an update, `{}` clears it.
   */
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
}

/** Parameters of `add`: either a conversation (`messages`) or memories (`memory` / `memories`). */
export interface AddParams {
  readonly userId: string;
  readonly cubeId: string;
  readonly sessionId?: string;
  readonly messages?: readonly ChatMessage[];
  readonly memory?: MemoryInput;
  readonly memories?: readonly MemoryInput[];
  /** How the fast reader groups turns of `messages`. */
  readonly reader?: FastReaderOptions;
  /** Header fields applied to every memory the reader makes from `messages`. */
  readonly defaults?: Omit<MemoryInput, 'text' | 'sourceRefs'>;
}

/** Fields `update` may change. State changes have their own calls. */
export type MemoryPatch = Partial<Omit<MemoryInput, 'source' | 'sourceRefs' | 'ttlMs'>>;

/** Parameters of `update`. */
export interface UpdateParams {
  readonly userId: string;
  readonly memoryId: string;
  readonly patch: MemoryPatch;
  readonly reason?: string;
  /** When given, the update fails with VERSION_CONFLICT unless the memory is still at this version. */
  readonly expectedVersion?: number;
}

/** Parameters of calls that act on one memory. */
export interface MemoryRef {
  readonly userId: string;
  readonly memoryId: string;
  readonly reason?: string;
}

/** Parameters of `getAll`. */
export interface GetAllParams {
  readonly userId: string;
  readonly cubeId: string;
  /** Memories to skip, for paging. */
  readonly offset?: number;
  /** Page size, 1–1000; 100 by default. */
  readonly limit?: number;
  /** Lifecycle states to include; all by default. */
  readonly states?: readonly LifecycleState[];
}

/** One page of memories. */
export interface Page<T> {
  readonly items: readonly T[];
  /** How many items there are in all (after the state filter). */
  readonly total: number;
  /** The offset of the next page, or null at the end. */
  readonly nextOffset: number | null;
}

/** A cube as one user sees it. */
export interface CubeView {
  readonly cube: CubeRecord;
  readonly access: 'owner' | CubeAccess;
  readonly registered: boolean;
}

/** Parameters of `importCube`. */
export interface ImportParams {
  readonly userId: string;
  /** The cube file's text, as written by exportCube. */
  readonly file: string;
  /**
   * "keep-id" (default) stores the cube under its own id and fails with CUBE_EXISTS if it is taken;
   * "copy" gives the cube and its memories new ids.
   */
  readonly mode?: 'keep-id' | 'copy';
}

/** Parameters of `auditLog`. */
export interface AuditQuery {
  readonly userId: string;
  /** Entries of one cube (needs read access); without it, the user's own actions. */
  readonly cubeId?: string;
  readonly memoryId?: string;
  readonly actions?: readonly AuditAction[];
  readonly since?: number;
  readonly until?: number;
  /** At most this many entries, newest first; 100 by default, 1000 at most. */
  readonly limit?: number;
}

export type { AuditEntry };

/** A message of a chat, as chat() takes it. */
export interface ChatTurn {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** Parameters of `chat`. */
export interface ChatParams {
  readonly userId: string;
  /** The conversation this turn belongs to; stored memories carry it. */
  readonly sessionId: string;
  /** The conversation so far, ending with the user's new message. */
  readonly messages: readonly ChatTurn[];
  /** Cubes to recall from; by default every cube the user can read. */
  readonly cubeIds?: readonly string[];
  /**
   * Where the turn is stored as new memories: a cube id, or null to store nothing. By default the
   * first of `cubeIds` the user can write, else the first cube they own.
   */
  readonly writeCubeId?: string | null;
  /** How many memories to consider, 0–50; 8 by default. */
  readonly topK?: number;
  /** The most tokens the memory block may take; default a third of the context, at most 1024. */
  readonly memoryTokens?: number;
  /** The most tokens to generate; 256 by default. */
  readonly maxTokens?: number;
  /** Sampling (temperature 0, the default, is greedy). */
  readonly sampling?: { readonly temperature?: number; readonly topK?: number; readonly topP?: number; readonly seed?: number };
  /** Extra stop strings; "\nUser:" always stops a model on the plain template. */
  readonly stop?: readonly string[];
  /**
   * Whether the model's answer is stored with the user's message. Default false: what the user said
   * becomes memory, what a (possibly small, possibly wrong) model said does not, so it is never
   * recalled later as if it were a fact.
   */
  readonly storeAnswer?: boolean;
}

/** A streamed piece of the answer. */
export interface ChatToken {
  readonly text: string;
  readonly index: number;
}

/** Options of `chat`. */
export interface ChatOptions extends CallOptions {
  /** Called with each piece of the answer as it is generated. */
  readonly onToken?: ((token: ChatToken) => void) | undefined;
}

/** What `chat` returns. */
export interface ChatResult {
  readonly answer: string;
  /** The memories that were put in the prompt, best first. */
  readonly memories: readonly SearchHit[];
  /** The memories made from this turn (empty when nothing was stored). */
  readonly stored: readonly MemoryItem[];
  readonly modelId: string;
  readonly finishReason: 'eos' | 'stop' | 'length' | 'constraint';
  readonly promptTokens: number;
  readonly memoryTokens: number;
  /** Earlier messages left out because the context window was full. */
  readonly droppedMessages: number;
  readonly timings: { readonly prefillMs: number; readonly firstTokenMs: number; readonly decodeMs: number; readonly tokensPerSecond: number };
  /**
   * The KV MemCube active in the session: `used` when the answer started from it (then no memory
   * text was pasted and `memoryTokens` is its length), else why not (another model, stale, damaged).
   */
  readonly activation: { readonly id: string; readonly used: boolean; readonly reason: string | null } | null;
}

/** One message of a conversation, as given to `add`. */
export interface ChatMessage {
  readonly role: 'user' | 'assistant' | 'system';
  readonly content: string;
  /** The speaker's name; defaults to the role. */
  readonly speaker?: string;
  /** A stable id of the message (kept as provenance). */
  readonly id?: string;
  /** When it was said: epoch ms or an ISO-8601 string. */
  readonly timestamp?: number | string;
}

/** How the fast reader groups turns. */
export interface FastReaderOptions {
  /** Turns per memory; 1 keeps every turn its own memory. Default 2. */
  readonly windowSize?: number;
  /** Turns shared by consecutive windows (less than windowSize). Default 0. */
  readonly overlap?: number;
  /** Whether system messages are kept. Default false. */
  readonly includeSystem?: boolean;
}

/** Where the scheduler stands. */
export interface SchedulerStatus {
  /** Whether this instance runs the jobs (else another tab does). */
  readonly leader: boolean;
  /** Whether the page said the user is idle (heavy jobs run only then). */
  readonly idle: boolean;
  /** The job running here now. */
  readonly running: JobRecord | null;
  readonly counts: Record<JobState, number>;
}

/** One entry of a session's working memory. */
export interface WorkingEntry {
  readonly memoryId: string;
  readonly importance: number;
  /** How many queries it has landed in working memory for. */
  readonly recurrence: number;
}

/** The policy of working memory and promotion (data, with defaults). */
export interface WorkingMemoryPolicy {
  /** Memories kept per session. */
  readonly size: number;
  readonly rankWeight: number;
  readonly keywordWeight: number;
  readonly recurrenceWeight: number;
  /** Weight of how often a memory has been used (log-scaled); MemOS leaves it out, so it is small. */
  readonly usageWeight: number;
  /** Recent queries whose words count for keyword overlap. */
  readonly recentQueries: number;
  /** Times a memory must land in working memory before it is proposed for a KV cube. */
  readonly promoteAfter: number;
}

/** Progress of the vectors of the current model. */
export interface VectorStatus {
  readonly model: EmbedderFingerprint;
  /** Memories with an up-to-date vector. */
  readonly embedded: number;
  /** Whether a catch-up is running. */
  readonly syncing: boolean;
  /** The last catch-up's failure, if it failed. */
  readonly lastError: string | null;
  /** Bytes the held vectors take in memory (int8 rows, scales and sign bits). */
  readonly bytes?: number;
  /**
   * The model whose vectors search uses now: the previous one while `model` catches up after a
   * change of embedder, else `model` (MemOS fills it in).
   */
  readonly serving?: EmbedderFingerprint;
}

/** A memory the fine reader proposes. */
export interface ExtractedMemory {
  readonly key: string;
  readonly text: string;
  readonly semanticType: SemanticType;
  readonly memoryType: 'long-term' | 'user';
  readonly tags: readonly string[];
  /** The start of the time it names, resolved against the last turn's time, if it names one. */
  readonly validFrom?: number;
  /** When it stopped being true, if the turns say ("until last May"). */
  readonly validTo?: number;
  /** The typed relation it states, when the model read one. */
  readonly relation?: MemoryRelation;
  readonly sourceRefs: readonly SourceRef[];
}

/** Parameters of `buildActivation`. */
export interface BuildActivationParams {
  readonly userId: string;
  readonly cubeId: string;
  /** The memories to build from, in this order; or give `query` or `topicId`. */
  readonly memoryIds?: readonly string[];
  /** A search whose top hits (in the cube) are the memories to build from. */
  readonly query?: string;
  /**
   * A topic (or subtopic) of the cube's tree (see MemoryApi.topics): its memories nearest the topic's
   * centre are the memories to build from, so a whole topic is ready for chat at once.
   */
  readonly topicId?: string;
  /** How many hits of `query` or memories of `topicId`, 1–50; 8 by default. */
  readonly topK?: number;
  /** Tensor encoding: "fp32" (default, exact), "fp16" (half the size), "int8" (a quarter). */
  readonly encoding?: KvEncodingName;
}

/** Parameters of importAdapter. */
export interface ImportAdapterParams {
  readonly userId: string;
  readonly cubeId: string;
  readonly name: string;
  /** adapter_model.safetensors */
  readonly safetensors: Uint8Array;
  /** adapter_config.json's text (r, lora_alpha, use_rslora). */
  readonly config: string;
  /** The base model; by default the one loaded now. */
  readonly base?: AdapterBase;
}

/** Parameters of distillAdapter. */
export interface DistillAdapterParams {
  readonly userId: string;
  readonly cubeId: string;
  readonly memoryIds: readonly string[];
  readonly name?: string;
  /** Text to measure forgetting on; general sentences by default (held-out-text.ts). */
  readonly heldOut?: readonly string[];
  readonly options?: Omit<DistillOptions, 'signal' | 'onProgress' | 'replay'>;
}

/** Parameters of `extract`: the memories the fine reader reads. */
export interface ExtractParams {
  readonly userId: string;
  readonly cubeId: string;
  readonly memoryIds: readonly string[];
  /** Whether what it extracts is stored (default true). */
  readonly store?: boolean;
  /** Ask for at least one memory. */
  readonly atLeastOne?: boolean;
  /** Most tokens the model may write (1200 by default). */
  readonly maxTokens?: number;
}
