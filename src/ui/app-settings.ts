/**
 * Settings the app applies when it opens the memory worker: the embedder and the KV memory budget.
 * They are kept per store in localStorage (they configure this browser, not the data) and take effect
 * on the next open; consent and redaction are stored with the user and the cube instead.
 */
import type { OnnxEmbedderSpec } from '../protocol/inference-types';

/** An ONNX embedder given by URL (picked files are not kept in settings). */
export type UrlEmbedder = Omit<OnnxEmbedderSpec, 'files'> & { readonly baseUrl: string };

/** What the app opens the worker with. */
export interface AppSettings {
  readonly embedder: 'use-lite' | 'none' | UrlEmbedder;
  /** The most bytes KV cubes may take before the least used are evicted. */
  readonly kvBudgetMB: number;
}

export const DEFAULT_SETTINGS: AppSettings = { embedder: 'use-lite', kvBudgetMB: 256 };

const key = (store: string): string => `memos-web:${store}:settings`;

/** The settings saved for a store, or the defaults (a damaged entry counts as none). */
export function loadSettings(store: string): AppSettings {
  try {
    const raw = localStorage.getItem(key(store));
    if (!raw) return DEFAULT_SETTINGS;
    const parsed = JSON.parse(raw) as Partial<AppSettings>;
    const embedder =
      parsed.embedder === 'none' || parsed.embedder === 'use-lite'
        ? parsed.embedder
        : typeof parsed.embedder === 'object' && parsed.embedder?.kind === 'onnx' && typeof parsed.embedder.baseUrl === 'string'
          ? parsed.embedder
          : DEFAULT_SETTINGS.embedder;
    const kvBudgetMB = typeof parsed.kvBudgetMB === 'number' && parsed.kvBudgetMB > 0 ? parsed.kvBudgetMB : DEFAULT_SETTINGS.kvBudgetMB;
    return { embedder, kvBudgetMB };
  } catch {
    return DEFAULT_SETTINGS;
  }
}

/** Saves the settings for the next open. */
export function saveSettings(store: string, settings: AppSettings): void {
  localStorage.setItem(key(store), JSON.stringify(settings));
}
