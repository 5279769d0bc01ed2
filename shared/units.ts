/** Sizes, durations and progress for people, the same in the CLI and the editor. */

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `bytes` in the largest binary unit that keeps the value at least 1 (bytes below 1 KiB stay in B). */
export function inBinaryUnits(bytes: number): { value: number; unit: (typeof BINARY_UNITS)[number] } {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return { value, unit: BINARY_UNITS[unit] };
}

/** How long ago, for people: "12 s ago", "4 min ago", "3 h ago", "2 days ago". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86_400);
  return `${d} day${d === 1 ? '' : 's'} ago`;
}

/** Whole percent of `done` out of `total`, within 0..100 (0 when there is nothing to measure). */
export function percent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

/** A size for people: `512 B`, `1.5 KiB`, `300 MiB` (one decimal below 10). */
export function formatBytes(bytes: number): string {
  const { value, unit } = inBinaryUnits(bytes);
  return unit === 'B' ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${unit}`;
}

/** A duration for people: `950 ms`, `1.5 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
