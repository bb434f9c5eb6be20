/**
 * What is known of the shipped USE-lite model without loading it (or tfjs): its fingerprint and what it
 * reads. The memory worker opens a store with this while the model loads (DeferredEmbedder).
 */
import type { DeferredEmbedderInfo } from './deferred-embedder';
import type { EmbedderFingerprint } from './embedder';

/** The fingerprint of the shipped model. */
export const USE_LITE_FINGERPRINT: EmbedderFingerprint = { modelId: 'use-lite', revision: 'energetic-ai-0.2.0', dimension: 512 };

/** USE-lite as a deferred embedder knows it: English, Latin script. */
export const USE_LITE_INFO: DeferredEmbedderInfo = { fingerprint: USE_LITE_FINGERPRINT, scripts: ['latin'], languages: ['english'] };
