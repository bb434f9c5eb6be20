/**
 * What is known of the shipped USE-lite model without loading it (or tfjs): its fingerprint and what it
 * reads. The memory worker opens a store with this while the model loads (DeferredEmbedder).
 */
import type { DeferredEmbedderInfo } from './deferred-embedder';
import type { EmbedderFingerprint } from './embedder';

/** The fingerprint of the shipped model as shipped: float32 (tfjs, or UseLiteOrtEmbedder's "float32"). */
export const USE_LITE_FINGERPRINT: EmbedderFingerprint = { modelId: 'use-lite', revision: 'energetic-ai-0.2.0', dimension: 512 };

/** The fingerprint of the same model with int8 weight matrices (UseLiteOrtEmbedder, precision "int8"). */
export const USE_LITE_INT8_FINGERPRINT: EmbedderFingerprint = { modelId: 'use-lite', revision: 'energetic-ai-0.2.0+int8', dimension: 512 };

/** USE-lite as the memory worker runs it (int8 on onnxruntime-web) before it loads: English, Latin script. */
export const USE_LITE_INFO: DeferredEmbedderInfo = { fingerprint: USE_LITE_INT8_FINGERPRINT, scripts: ['latin'], languages: ['english'] };

/** Float32 USE-lite before it loads: the model of the vectors earlier versions stored. */
export const USE_LITE_FLOAT32_INFO: DeferredEmbedderInfo = { ...USE_LITE_INFO, fingerprint: USE_LITE_FINGERPRINT };
