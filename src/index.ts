// The public entry of memos-web for applications: the client (page side), the MemOS facade (for use
// inside a worker of your own), the error type and the data types.
export { MemosClient, type ClientOptions } from './client/memos-client';
export { InferenceClient } from './client/inference-client';
export type { Capabilities, WebGpuSupport } from './inference/capabilities';
export type { InferenceStatus, LoadProgress } from './inference/inference-service';
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
} from './inference/language-model';
export type { ModelEntry, ModelView, OrtModelEntry, UserModelEntry, WebLlmModelEntry } from './inference/model-registry';
export type { KvCache, KvLayout } from './inference/kv-cache';
export { MemOS, type MemOSOptions } from './os/memos';
export { MemosError, ERROR_MESSAGES, isMemosError, type MemosErrorCode, type MemosErrorData } from './core/errors';
export { LIFECYCLE_STATES, LIVE_STATES, TRANSITIONS, canTransition, type LifecycleState } from './core/lifecycle';
export type { CubeAccess, CubeManifest, CubePolicy, CubeRecord, EmbedderFingerprint, UserRecord } from './core/cube';
export type { ActivationItem, ActivationSource, KvModelFingerprint } from './core/activation-item';
export type { AdapterBase, AdapterItem, DistillationReport } from './core/adapter-item';
export type { JobPriority, JobRecord, JobState } from './core/job';
export type { SchedulerStatus } from './scheduler/scheduler';
export type { WorkingEntry, WorkingMemoryPolicy } from './scheduler/working-memory';
export type { ExtractedMemory } from './memory/fine-reader';
export type { BuildActivationParams } from './os/activations';
export type { OnnxEmbedderSpec } from './inference/onnx-embedder-loader';
export type { AuditAction, AuditEntry } from './core/audit';
export type {
  ChangeAction,
  FieldChange,
  MemoryContent,
  MemoryHit,
  MemoryItem,
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
  CallOptions,
  ChatMessage,
  ChatOptions,
  ChatParams,
  ChatResult,
  ChatToken,
  ChatTurn,
  CubeView,
  FastReaderOptions,
  GetAllParams,
  ImportParams,
  MemoryInput,
  MemoryPatch,
  MemoryRef,
  Page,
  ScoreParts,
  SearchFilters,
  SearchHit,
  SearchParams,
  UpdateParams,
} from './os/api-types';
export type { MemosApi } from './protocol/memory-worker-api';
export { CUBE_FILE_FORMAT, CUBE_FILE_VERSION } from './memory/cube-file';
