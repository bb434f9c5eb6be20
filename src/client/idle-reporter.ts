/**
 * Tells the memory worker when the user is idle — the tab hidden, or no input for a while — so the
 * scheduler's heavy jobs (consolidation, KV builds) run then and not while the user types.
 */

/** How long without input counts as idle. */
export const IDLE_AFTER_MS = 60_000;

/** Starts reporting; returns a function that stops it. */
export function reportIdle(report: (idle: boolean) => void, idleAfterMs = IDLE_AFTER_MS): () => void {
  if (typeof document === 'undefined') return () => undefined;
  let idle: boolean | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const set = (value: boolean): void => {
    if (value !== idle) {
      idle = value;
      report(value);
    }
  };
  const active = (): void => {
    if (document.visibilityState === 'hidden') return set(true);
    set(false);
    clearTimeout(timer);
    timer = setTimeout(() => set(true), idleAfterMs);
  };
  const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
  for (const name of events) addEventListener(name, active, { passive: true });
  document.addEventListener('visibilitychange', active);
  active();
  return () => {
    clearTimeout(timer);
    for (const name of events) removeEventListener(name, active);
    document.removeEventListener('visibilitychange', active);
  };
}
