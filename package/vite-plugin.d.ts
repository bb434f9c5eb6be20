import type { Plugin } from 'vite';

/** Options of {@link memosWeb}. */
export interface MemosWebPluginOptions {
  /** Where the runtime is served and copied, relative to Vite's base (default "memos-web/"). Pass the same path to `useRuntimeAt` when you change it. */
  readonly folder?: string;
}

/**
 * Serves memos-web's runtime (the two workers and the files they load) from your app's origin in
 * `vite` and `vite preview`, and copies it into the build's output folder.
 */
export declare function memosWeb(options?: MemosWebPluginOptions): Plugin;
export default memosWeb;
