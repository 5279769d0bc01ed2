/** Sizes and progress for people; the CLI and the editor each round sizes their own way. */

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
