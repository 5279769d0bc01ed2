/** Summary statistics for the bench scripts. */

/** The p-th percentile of `values` (nearest rank, rounded down); p = 50 is the median. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
