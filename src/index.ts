// `memos-web`: what a page imports — the clients that start and talk to the workers, where their
// runtime is served, the error type and the data types. No worker code: MemOS itself is in
// `memos-web/core` (src/core-entry.ts), the custom elements in `memos-web/elements` (src/elements.ts).
export { MemosClient, type ClientOptions } from './client/memos-client';
export { InferenceClient } from './client/inference-client';
export { runtimeAt, useRuntimeAt, type RuntimeLocation } from './client/runtime-location';
export { registerMemoryTools, type MemoryToolsOptions, type ModelContextLike, type ModelContextTool, type ToolResult } from './integrations/webmcp';
export type {
  ComputeDevice,
  FinishReason,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  GenerateTimings,
  LanguageModel,
  ModelInfo,
  TokenEvent,
} from './protocol/language-model';
export type {
  Capabilities,
  InferenceStatus,
  KvCache,
  KvLayout,
  LoadProgress,
  ModelEntry,
  ModelServerConfig,
  ModelView,
  OnnxEmbedderSpec,
  OrtModelEntry,
  UserModelEntry,
  WebGpuSupport,
  WebLlmModelEntry,
} from './protocol/inference-types';
export { MemosError, ERROR_MESSAGES, isMemosError, type MemosErrorCode, type MemosErrorData } from './core/errors';
export { LIFECYCLE_STATES, LIVE_STATES, TRANSITIONS, canTransition, type LifecycleState } from './core/lifecycle';
export type { CubeAccess, CubeManifest, CubePolicy, CubeRecord, EmbedderFingerprint, UserRecord } from './core/cube';
export type { ActivationItem, ActivationSource, KvModelFingerprint } from './core/activation-item';
export type { AdapterBase, AdapterItem, DistillationReport } from './core/adapter-item';
export type { JobPriority, JobRecord, JobState } from './core/job';
export type { AuditAction, AuditEntry } from './core/audit';
export type {
  ChangeAction,
  FieldChange,
  MemoryContent,
  MemoryHit,
  MemoryItem,
  MemoryRelation,
  MemorySource,
  MemoryType,
  MemoryUsage,
  MemoryVersion,
  SemanticType,
  SourceRef,
  Visibility,
} from './core/memory-item';
export type {
  AddParams,
  AuditQuery,
  BuildActivationParams,
  CallOptions,
  ChatMessage,
  ChatOptions,
  ChatParams,
  ChatResult,
  ChatToken,
  ChatTurn,
  CubeView,
  DistillAdapterParams,
  ExtractedMemory,
  ExtractParams,
  FastReaderOptions,
  GetAllParams,
  ImportAdapterParams,
  ImportParams,
  MemoryInput,
  MemoryPatch,
  MemoryRef,
  Page,
  SchedulerStatus,
  TaskProgress,
  UpdateParams,
  VectorStatus,
  WorkingEntry,
  WorkingMemoryPolicy,
} from './protocol/memory-types';
export type { RankingOptions, ScoreContributions, ScoreParts, SearchFilters, SearchHit, SearchParams } from './protocol/search-types';
export {
  ENTITY_TYPES,
  type EditEntityParams,
  type EntitiesParams,
  type EntityEdits,
  type EntityLink,
  type EntityType,
  type EntityView,
  type GraphStatus,
  type RelatedMemory,
  type RelatedParams,
  type RelatedResult,
  type RelationsParams,
  type RelationView,
  type TopicsParams,
  type TopicView,
} from './protocol/graph-types';
export type { MemosApi } from './protocol/memory-worker-api';
export type { MemoryApi } from './protocol/memory-api';
export { CUBE_FILE_FORMAT, CUBE_FILE_VERSION } from './protocol/cube-file-format';
