// Statistics for benchmarks, with no Node imports so that worker-side benchmark code can use them too.

/** The p-th percentile (0–100) of some values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
