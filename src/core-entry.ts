// `memos-web/core`: MemOS itself, for a worker of your own or for Node (with an IndexedDB such as
// fake-indexeddb), with the same error type and data types as the page entry. Embedders are passed in
// through MemOSOptions.embedder.
export * from './index';
export { MemOS, type MemOSOptions } from './os/memos';
export type { Embedder, EmbedderFingerprint, ModelFiles } from './inference/embedders/embedder';
export { openAICompatibleModel, listServerModels, type OpenAICompatibleConfig } from './inference/remote/openai-compatible-model';
