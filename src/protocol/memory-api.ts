/**
 * The memory API: every method the memory worker serves (and `MemOS` implements), with what it does
 * and the error codes it throws. The page, the client, the UI and adapters for other frameworks program
 * against this interface; none of them imports the implementation (docs/architecture.md).
 */
import type { ActivationItem } from '../core/activation-item';
import type { AdapterItem } from '../core/adapter-item';
import type { AuditEntry } from '../core/audit';
import type { CubeAccess, CubePolicy, CubeRecord, UserRecord } from '../core/cube';
import type { JobRecord, JobState } from '../core/job';
import type { MemoryItem, MemoryVersion } from '../core/memory-item';
import type { AddParams, AuditQuery, BuildActivationParams, CallOptions, CubeView, DistillAdapterParams, ExtractedMemory, ExtractParams, GetAllParams, ImportAdapterParams, ImportParams, MemoryRef, Page, SchedulerStatus, UpdateParams, VectorStatus, WorkingEntry } from './memory-types';
import type { SearchHit, SearchParams } from './search-types';
import type { SyncConfigParams, SyncGrantParams, SyncStatus } from './sync-types';
import type { AddDocumentParams, AddDocumentResult, DeletedDocument, DocumentRecord, DocumentWithChunks, ListDocumentsParams } from './document-types';
import type { EditEntityParams, EntitiesParams, EntityEdits, EntityView, GraphStatus, RelatedParams, RelatedResult, RelationsParams, RelationView, TopicsParams, TopicView } from './graph-types';

/** What the memory side offers: users and cubes, memories, search, activation and parametric memory, the scheduler. */
export interface MemoryApi {
  /**
   * Creates a user (a local persona on this device).
   * @throws {MemosError} USER_EXISTS when the id is taken
   */
  createUser(params: { userId?: string; name: string }): Promise<UserRecord>;

  /** Lists every user of the store. */
  listUsers(): Promise<UserRecord[]>;

  /**
   * Reads one user.
   * @throws {MemosError} USER_NOT_FOUND
   */
  getUser(userId: string): Promise<UserRecord>;

  /**
   * Creates an empty cube owned by the user and registers it for them.
   * @throws {MemosError} USER_NOT_FOUND, CUBE_EXISTS
   */
  createCube(params: { userId: string; name: string; cubeId?: string; policy?: CubePolicy }): Promise<CubeRecord>;

  /**
   * Sets a cube's policies (owner only), replacing the previous ones. Redaction applies to what is
   * written from now on (stored text is not rewritten); a new `language` re-indexes the cube's words
   * at its next search, in every tab.
   * @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN, INVALID_INPUT
   */
  setCubePolicy(params: { userId: string; cubeId: string; policy: CubePolicy }): Promise<CubeRecord>;

  /** Lists the cubes a user owns or that were shared with them. */
  listCubes(params: { userId: string }): Promise<CubeView[]>;

  /**
   * Adds a cube the user can read to their registered cubes (the default scope of their searches).
   * @throws {MemosError} USER_NOT_FOUND, CUBE_NOT_FOUND, FORBIDDEN
   */
  registerCube(params: { userId: string; cubeId: string }): Promise<void>;

  /** Removes a cube from the user's registered cubes; the cube and its data stay. */
  unregisterCube(params: { userId: string; cubeId: string }): Promise<void>;

  /**
   * Shares a cube with another user. Only the owner may share.
   * @throws {MemosError} FORBIDDEN, USER_NOT_FOUND, CUBE_NOT_FOUND
   */
  shareCube(params: { userId: string; cubeId: string; targetUserId: string; access: CubeAccess }): Promise<CubeRecord>;

  /**
   * Takes a share back. Only the owner may do so.
   * @throws {MemosError} FORBIDDEN, CUBE_NOT_FOUND
   */
  unshareCube(params: { userId: string; cubeId: string; targetUserId: string }): Promise<CubeRecord>;

  /**
   * Deletes a cube for good (owner only), in one transaction: its memories with their versions and
   * vectors, its KV and adapter cubes and blobs, its shares and every user's registration of it. The
   * audit log keeps one `cube.delete` entry with counts (it never holds memory text); earlier entries
   * keep their ids. Other tabs' indexes drop its memories as with any change.
   * @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN (not the owner), INVALID_INPUT
   */
  deleteCube(params: { userId: string; cubeId: string }): Promise<{ memories: number }>;

  /**
   * Deletes a user for good, in one transaction: the cubes they own (as deleteCube), the memories they
   * wrote into cubes shared with them, their shares, and the user record. Audited as `user.delete`.
   * @throws {MemosError} USER_NOT_FOUND, INVALID_INPUT
   */
  deleteUser(params: { userId: string }): Promise<{ cubes: number; memories: number }>;

  /**
   * Empties the whole store — every user, cube, memory, version, KV and adapter cube, job and audit
   * entry — in one transaction, leaving one `store.reset` audit entry (by `userId` when given, else
   * "store"). Refused unless `confirm` is exactly "delete everything".
   * @throws {MemosError} INVALID_INPUT
   */
  reset(params: { confirm: string; userId?: string }): Promise<void>;

  /**
   * Adds memories to a cube: a conversation (read by the fast reader into windows of turns) or memories
   * given directly. All of them are stored in one transaction, or none.
   * @throws {MemosError} INVALID_INPUT, CUBE_NOT_FOUND, FORBIDDEN, QUOTA_EXCEEDED, ABORTED
   */
  add(params: AddParams, options?: CallOptions): Promise<MemoryItem[]>;

  /**
   * Searches the user's cubes (BM25 over memory text, with filters). Each hit carries its score parts.
   * Memories past their expiry time are left out even before a sweep marks them expired.
   * @throws {MemosError} INVALID_INPUT, USER_NOT_FOUND, CUBE_NOT_FOUND, FORBIDDEN
   */
  search(params: SearchParams, options?: CallOptions): Promise<SearchHit[]>;

  /**
   * Reads one memory. With `trackUsage: true` (a person opened it) it counts as a use.
   * @throws {MemosError} MEMORY_NOT_FOUND, FORBIDDEN
   */
  get(params: { userId: string; memoryId: string; trackUsage?: boolean }): Promise<MemoryItem>;

  /**
   * Lists a cube's memories, oldest first, a page at a time.
   * @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN
   */
  getAll(params: GetAllParams, options?: CallOptions): Promise<Page<MemoryItem>>;

  /**
   * Changes a memory's content. The old content stays in its history as the previous version.
   * @throws {MemosError} MEMORY_NOT_FOUND, FORBIDDEN, MEMORY_FROZEN, ILLEGAL_TRANSITION (archived or expired), VERSION_CONFLICT, INVALID_INPUT
   */
  update(params: UpdateParams): Promise<MemoryItem>;

  /**
   * Archives a memory (soft delete): it leaves searches but stays restorable, with its history.
   * @throws {MemosError} MEMORY_NOT_FOUND, FORBIDDEN, ILLEGAL_TRANSITION
   */
  delete(params: MemoryRef): Promise<MemoryItem>;

  /**
   * Brings an archived memory back to the state it had before.
   * @throws {MemosError} MEMORY_NOT_FOUND, FORBIDDEN, ILLEGAL_TRANSITION
   */
  restore(params: MemoryRef): Promise<MemoryItem>;

  /**
   * Freezes a memory: no edits, merges, expiry or purge until it is unfrozen; history is kept.
   * @throws {MemosError} MEMORY_NOT_FOUND, FORBIDDEN, ILLEGAL_TRANSITION
   */
  freeze(params: MemoryRef): Promise<MemoryItem>;

  /**
   * Unfreezes a memory back to the state it had before.
   * @throws {MemosError} MEMORY_NOT_FOUND, FORBIDDEN, ILLEGAL_TRANSITION
   */
  unfreeze(params: MemoryRef): Promise<MemoryItem>;

  /**
   * Deletes a memory for good: its content, every version and its binary chunks. The audit log keeps
   * that it happened, by whom and when, but none of the content.
   * @throws {MemosError} MEMORY_NOT_FOUND, FORBIDDEN, MEMORY_FROZEN
   */
  purge(params: MemoryRef): Promise<void>;

  /**
   * The version chain of a memory, oldest first.
   * @throws {MemosError} MEMORY_NOT_FOUND, FORBIDDEN
   */
  history(params: { userId: string; memoryId: string }): Promise<MemoryVersion[]>;

  /**
   * Sets a memory's content back to what it was at an earlier version. This writes a new version; the
   * history is never cut.
   * @throws {MemosError} MEMORY_NOT_FOUND, VERSION_NOT_FOUND, FORBIDDEN, MEMORY_FROZEN, ILLEGAL_TRANSITION
   */
  rollback(params: MemoryRef & { version: number }): Promise<MemoryItem>;

  /**
   * Sets up end-to-end encrypted replication of a cube through a CouchDB-protocol server (CouchDB,
   * Cloudant, PouchDB Server): opens the cube's key on the server with the passphrase, or — for a
   * database that has none — makes the key and keeps it there wrapped. A device that lacks the cube gets
   * it from the server. The server sees only opaque ids and ciphertext. Keys stay in memory unless
   * `remember` is set (then resumeSync after a reload); or open a grant with `identity: true`. Needs ownership of the cube (when this device has it). Audited.
   * @throws {MemosError} INVALID_INPUT, FORBIDDEN, CUBE_NOT_FOUND (neither side has the cube), SYNC_KEY_INVALID (wrong passphrase), SYNC_UNREACHABLE
   */
  configureSync(params: SyncConfigParams): Promise<SyncStatus>;

  /**
   * Runs one pass of a configured cube's sync (send what changed here, replicate both ways, apply what
   * arrived) and resolves when it is done; with `live`, keeps following changes on both sides after it
   * (retrying while the server is away) until stopSync. A document that fails authentication is refused
   * (counted in `refused`; nothing of it applied); two devices' edits of one memory are merged with
   * both versions kept; a purge anywhere purges everywhere. `onProgress` is told "sending" (memories
   * of this device sealed, of how many) and "receiving" (memories applied so far) during the pass.
   * @throws {MemosError} SYNC_NOT_CONFIGURED, SYNC_UNREACHABLE
   */
  startSync(params: { userId: string; cubeId: string; live?: boolean }, options?: CallOptions): Promise<SyncStatus>;

  /** Stops a cube's live sync (after the step running now). */
  stopSync(params: { userId: string; cubeId: string }): Promise<void>;

  /**
   * Where a cube's sync stands: state, last pass, last error, memories sent, received and refused.
   * @throws {MemosError} SYNC_NOT_CONFIGURED
   */
  syncStatus(params: { userId: string; cubeId: string }): Promise<SyncStatus>;

  /**
   * Configures again every sync this device remembers for the user (configureSync with `remember`),
   * without passphrases and without reaching the server; start them with startSync.
   * @throws {MemosError} INVALID_INPUT, SYNC_KEY_INVALID (a remembered key that no longer opens)
   */
  resumeSync(params: { userId: string }): Promise<SyncStatus[]>;

  /** Stops a cube's sync and forgets it here, with any key this device remembered for it. Audited. */
  forgetSync(params: { userId: string; cubeId: string }): Promise<void>;

  /**
   * The user's sync identity on this device (made on first use): a public key to give the owner of a
   * synced cube, who grants the cube's key to it (grantSync); its private half never leaves WebCrypto.
   * @throws {MemosError} USER_NOT_FOUND
   */
  syncIdentity(params: { userId: string }): Promise<{ publicKey: string }>;

  /**
   * Shares a synced cube with another person: its key sealed for their sync identity (ECDH P-256, HKDF,
   * AES-GCM) is kept on the server beside the passphrase-wrapped one; they configure with
   * `identity: true` and no passphrase. With `serverUsers`, also adds those server users to the
   * database's members. Owner only; audited. A grant cannot be taken back by deleting it (they have the
   * key): move the cube to a new database with a new key for that.
   * @throws {MemosError} SYNC_NOT_CONFIGURED, FORBIDDEN, INVALID_INPUT (not a public key), SYNC_UNREACHABLE
   */
  grantSync(params: SyncGrantParams): Promise<{ grantId: string }>;

  /**
   * Reads a document — PDF, Word (.docx), HTML, Markdown or plain text — into the cube as chunk
   * memories (source "document") that cite their place (page, heading path, character offsets), and
   * keeps a record of it. Everything is stored in one transaction, audited ("document.add"): a bad
   * file, a limit passed or an abort leaves nothing. The same bytes added again change nothing
   * (`unchanged`); a document of the same name with other bytes supersedes the previous version (its
   * chunks are archived with their validity end, so searches `asOf` an earlier time find them). Reports
   * progress ("reading" pages, "embedding" chunks, "storing") and stops on `signal`. Needs write access.
   * @throws {MemosError} INVALID_INPUT, CUBE_NOT_FOUND, FORBIDDEN, DOCUMENT_UNSUPPORTED (other formats, encrypted PDFs), DOCUMENT_INVALID (damaged, truncated, misnamed), DOCUMENT_TOO_LARGE (bytes, pages, or a Word file that unpacks past 8× the byte limit), QUOTA_EXCEEDED, ABORTED
   */
  addDocument(params: AddDocumentParams, options?: CallOptions): Promise<AddDocumentResult>;

  /**
   * Lists a cube's documents, newest first (current versions only unless `includeSuperseded`).
   * @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN
   */
  listDocuments(params: ListDocumentsParams): Promise<DocumentRecord[]>;

  /**
   * Reads one document with its chunks in reading order (chunks purged one by one are left out).
   * @throws {MemosError} DOCUMENT_NOT_FOUND, FORBIDDEN
   */
  getDocument(params: { userId: string; documentId: string }): Promise<DocumentWithChunks>;

  /**
   * The original bytes of a document, when they were kept (`keepOriginal`), else null.
   * @throws {MemosError} DOCUMENT_NOT_FOUND, FORBIDDEN
   */
  documentFile(params: { userId: string; documentId: string }): Promise<Uint8Array | null>;

  /**
   * Deletes a document for good, in one transaction: this version and every version it superseded,
   * all their chunks (records, versions, vectors) and kept bytes. Audited with counts, no content.
   * Needs write access.
   * @throws {MemosError} DOCUMENT_NOT_FOUND, FORBIDDEN, MEMORY_FROZEN (a chunk is frozen: unfreeze it first)
   */
  deleteDocument(params: { userId: string; documentId: string; reason?: string }): Promise<DeletedDocument>;

  /**
   * Writes a cube to a self-checking JSON file (docs/cube-file-format.md). Needs read access; private
   * memories of other users are not exported unless the caller owns the cube. Audited.
   * @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN
   */
  exportCube(params: { userId: string; cubeId: string }, options?: CallOptions): Promise<string>;

  /**
   * Reads a cube file and stores the cube, all of it or nothing. The importing user becomes its owner.
   * @throws {MemosError} IMPORT_MALFORMED, IMPORT_TAMPERED, IMPORT_UNSUPPORTED, IMPORT_TOO_LARGE, CUBE_EXISTS (the cube, or with keep-id a memory or blob id already stored), USER_NOT_FOUND, QUOTA_EXCEEDED, ABORTED
   */
  importCube(params: ImportParams, options?: CallOptions): Promise<CubeRecord>;

  /**
   * Reads the audit log, newest first: a cube's entries (needs read access) or the user's own actions.
   * @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN
   */
  auditLog(query: AuditQuery): Promise<AuditEntry[]>;

  /**
   * Records in a cube's audit log that an agent used a tool on it (action "agent.call"): which
   * agent, which tool, which memories — never their text or the agent's input. The agent-stack plugs
   * (WebMCP tools) call it for every call, reads included; it needs read access to the cube.
   * @throws {MemosError} INVALID_INPUT, CUBE_NOT_FOUND, FORBIDDEN
   */
  recordAgentCall(params: { userId: string; cubeId: string; agent: string; tool: string; memoryIds?: readonly string[] }): Promise<void>;

  /** Rebuilds the search index from IndexedDB (done on open). Reads in pages of 500. */
  rebuildIndex(options?: CallOptions): Promise<number>;

  /** Waits until changes announced by other tabs so far are in this index (for tests and UIs). */
  settled(): Promise<void>;

  /**
   * The entities of a cube — people, places, organisations, dates and things its memories name — most
   * linked first, with their aliases ("mel", "caroline's sister") and the memories the caller may read
   * that name them (`asOf`: only memories valid then). The graph reads memories in the background after
   * they are written (see graphStatus): one added a moment ago may not be linked yet.
   * @throws {MemosError} INVALID_INPUT, USER_NOT_FOUND, CUBE_NOT_FOUND, FORBIDDEN
   */
  entities(params: EntitiesParams): Promise<EntityView[]>;

  /**
   * A memory's place in the entity graph: the entities it names (with the words that named them) and
   * the memories those entities lead to, strongest link first, within what the caller may read.
   * @throws {MemosError} INVALID_INPUT, USER_NOT_FOUND, MEMORY_NOT_FOUND, FORBIDDEN
   */
  related(params: RelatedParams): Promise<RelatedResult>;

  /**
   * Corrects a cube's entity graph by hand: merge an entity into another (`mergeInto`; `null` undoes
   * it), add or remove a name that leads to it, rename it or set its type (`null` goes back to what
   * the memories say). The edits apply to `entities`, `related`, `topics` and recall at once; each call
   * makes a new version of the cube's edits (returned) with an `entity.edit` audit entry saying what
   * changed from what, and the edits travel with cube files and sync. Needs write access to the cube.
   * @throws {MemosError} INVALID_INPUT (no change, a merge cycle, an alias it does not have), USER_NOT_FOUND, CUBE_NOT_FOUND, FORBIDDEN
   */
  editEntity(params: EditEntityParams): Promise<EntityEdits>;

  /**
   * The typed relations a cube's memories state ("Melanie" —"lives in"→ "Boston", see
   * MemoryItem.relation), latest first: by default those true now; `asOf`: those true then (a fact
   * superseded since included for the time it held); `includeEnded`: all of them, with when each
   * ended and what superseded it. `entity` keeps those with that entity at one end.
   * @throws {MemosError} INVALID_INPUT, USER_NOT_FOUND, CUBE_NOT_FOUND, FORBIDDEN
   */
  relations(params: RelationsParams): Promise<RelationView[]>;

  /**
   * A cube's topic tree: its memories grouped into topics and large topics into subtopics (by their
   * vectors and the entities they name), each labelled by its characteristic entities, biggest first,
   * counting only memories the caller may read. Built on first use and again at idle time once a fifth
   * of the cube has changed; a memory written since joins its nearest topic.
   * @throws {MemosError} INVALID_INPUT, USER_NOT_FOUND, CUBE_NOT_FOUND, FORBIDDEN
   */
  topics(params: TopicsParams): Promise<TopicView[]>;

  /**
   * How far the entity graph is (memories linked, waiting), or null when the store keeps none. Call
   * with `{ wait: true }` to resolve once every memory written so far is read.
   */
  graphStatus(params?: { wait?: boolean }): Promise<GraphStatus | null>;

  /**
   * How far the vectors of the current embedder are, or null without an embedder. Call with
   * `{ wait: true }` to resolve once every memory has an up-to-date vector.
   */
  vectorStatus(params?: { wait?: boolean }): Promise<VectorStatus | null>;

  /**
   * Builds a KV MemCube: the chosen memories (by id, the top hits of a query in the cube, or a topic of
   * the cube's tree — its memories nearest the topic's centre) are
   * written into the memory template, prefilled once by the loaded model, and the resulting cache is
   * stored with its model fingerprint, tokens, text and sources.
   * @throws {MemosError} MODEL_NOT_LOADED, INVALID_INPUT (no KV engine, no memories), FORBIDDEN, CONTEXT_OVERFLOW, QUOTA_EXCEEDED
   */
  buildActivation(params: BuildActivationParams, options?: CallOptions): Promise<ActivationItem>;

  /**
   * Joins stored KV MemCubes of a cube into a new one, moving each later part's keys to follow the
   * ones before (RoPE shift). Approximate — the parts never attended to each other (measured drift in
   * docs/decisions/0014) — so it is an explicit choice, never done by chat() itself.
   * @throws {MemosError} MODEL_NOT_LOADED, INVALID_INPUT, KV_INCOMPATIBLE, KV_CORRUPT, FORBIDDEN, CONTEXT_OVERFLOW
   */
  composeActivations(params: { userId: string; cubeId: string; activationIds: readonly string[]; encoding?: 'fp32' | 'fp16' | 'int8' }): Promise<ActivationItem>;

  /**
   * The KV MemCubes of a cube, newest first (entries only; tensors stay in storage).
   * @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN
   */
  listActivations(params: { userId: string; cubeId: string }): Promise<ActivationItem[]>;

  /**
   * Makes a KV MemCube the prefix of a chat session (one per session: it replaces any other).
   * @throws {MemosError} MEMORY_NOT_FOUND, FORBIDDEN, INVALID_INPUT when it is stale
   */
  activate(params: { userId: string; activationId: string; sessionId: string }): Promise<ActivationItem>;

  /** Ends the use of any KV MemCube as the prefix of a session. */
  deactivate(params: { userId: string; sessionId: string }): Promise<void>;

  /**
   * Deletes a KV MemCube and its tensors (audited; the plaintext memories stay).
   * @throws {MemosError} MEMORY_NOT_FOUND, FORBIDDEN
   */
  evictActivation(params: { userId: string; activationId: string }): Promise<void>;

  /**
   * Stores a PEFT LoRA adapter (adapter_model.safetensors + adapter_config.json) as an adapter
   * MemCube for a base model (the loaded one by default). It is not applied until activated.
   * @throws {MemosError} ADAPTER_INVALID, ADAPTER_INCOMPATIBLE, INVALID_INPUT, CUBE_NOT_FOUND, FORBIDDEN
   */
  importAdapter(params: ImportAdapterParams): Promise<AdapterItem>;

  /** The adapter MemCubes of a cube, newest first. @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN */
  listAdapters(params: { userId: string; cubeId: string }): Promise<AdapterItem[]>;

  /** An adapter as PEFT files (safetensors bytes and adapter_config.json text). @throws {MemosError} MEMORY_NOT_FOUND, FORBIDDEN, ADAPTER_INVALID */
  exportAdapter(params: { userId: string; adapterId: string }): Promise<{ safetensors: Uint8Array; config: string }>;

  /**
   * Merges an adapter into the model's weights (now if its base model is loaded, else when it is),
   * with a weight (1 = as trained). Several can be active; their changes add up.
   * @throws {MemosError} ADAPTER_INCOMPATIBLE, MEMORY_NOT_FOUND, FORBIDDEN
   */
  activateAdapter(params: { userId: string; adapterId: string; weight?: number }): Promise<AdapterItem>;

  /** Stops applying an adapter: the model's weights go back to the base (plus other active adapters) exactly. */
  deactivateAdapter(params: { userId: string; adapterId: string }): Promise<AdapterItem>;

  /** Deletes an adapter MemCube and its weights; the memories it was distilled from stay. */
  deleteAdapter(params: { userId: string; adapterId: string }): Promise<void>;

  /**
   * Distils memories into a new adapter MemCube (plaintext → parametric): trains a LoRA on their text
   * with the loaded model, within a step / time / token budget, and reports perplexity before and after
   * on them and on held-out text. Not activated; the memories stay as they are.
   * @throws {MemosError} MODEL_NOT_LOADED, INVALID_INPUT, MEMORY_NOT_FOUND, FORBIDDEN, ABORTED
   */
  distillAdapter(params: DistillAdapterParams, options?: CallOptions): Promise<AdapterItem>;

  /** Memories the scheduler would propose for distillation: stable for a while and used often, not yet in an adapter. */
  distillCandidates(params: { userId: string; cubeId: string; minAgeDays?: number; minUses?: number; limit?: number }): Promise<MemoryItem[]>;

  /**
   * Moves every live memory whose expiry time has passed to `expired` (frozen memories are never
   * changed), each as a new version by the scheduler, audited; KV cubes built from them go stale.
   * Runs as the "ttl-sweep" job every 10 minutes; callable directly too.
   */
  sweepExpired(): Promise<{ expired: number }>;

  /**
   * Consolidates a cube: near-duplicate memories (text or vectors; same owner, visibility, kind and
   * key) are merged into one new memory in state `merged` whose `mergedFrom` names them, and they are
   * archived; facts on the same key are superseded by the newer one (the older archived with
   * `validTo` and `supersededBy`). Every change is a version and audited; frozen memories are never
   * touched. Bounded work: the `limit` newest live memories (200 by default), a few neighbours each.
   * Search with `filters.asOf` to ask what was true at a time.
   * @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN
   */
  consolidate(params: { userId: string; cubeId: string; limit?: number }): Promise<{ merged: number; archived: number; superseded: number }>;

  /**
   * A chat session's working memory: the memories that matter now, most important first, with how
   * often each has come back.
   */
  workingMemory(params: { userId: string; sessionId: string }): Promise<(WorkingEntry & { memory: MemoryItem })[]>;

  /**
   * Sets how a user's conversations may be read by a loaded model: "auto", "ask" (default) or "manual".
   * @throws {MemosError} USER_NOT_FOUND, INVALID_INPUT
   */
  setConsent(params: { userId: string; mode: 'auto' | 'ask' | 'manual' }): Promise<UserRecord>;

  /**
   * Runs the fine MemReader on memories of a cube (conversation turns) with the loaded model: the
   * model's JSON output (schema-constrained) becomes memories with key, type, tags and resolved time,
   * added beside the turns (source "extracted") unless `store` is false.
   * @throws {MemosError} MODEL_NOT_LOADED, FORBIDDEN, MEMORY_NOT_FOUND, ABORTED
   */
  extract(
    params: ExtractParams,
    options?: CallOptions,
  ): Promise<{ proposals: ExtractedMemory[]; stored: MemoryItem[] }>;

  /**
   * Stores proposals a "fine-read" job made for a user in "ask" mode (all, or those at `indexes`).
   * @throws {MemosError} INVALID_INPUT when the job has no proposals for this user
   */
  acceptProposals(params: { userId: string; jobId: string; indexes?: readonly number[] }): Promise<MemoryItem[]>;

  /** The scheduler's state: leader or not, idle, the running job and counts by state. */
  schedulerStatus(): Promise<SchedulerStatus>;

  /** Jobs, newest first: by default the queued, running and the 50 most recent finished. */
  listJobs(params?: { states?: readonly JobState[]; limit?: number }): Promise<JobRecord[]>;

  /** The page tells the worker the user is idle (or the tab hidden): heavy jobs may run. */
  setIdle(params: { idle: boolean }): Promise<void>;
}
