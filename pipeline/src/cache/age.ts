/** Durations and sizes of the cache's options: `--cache-max-age 7d`, `--keep-size 5G`. */

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `90s`, `30m`, `12h`, `7d`, `2w` (or a number of seconds) in ms; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(s|m|min|h|d|w)?$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * DURATION_UNITS[m[2] ?? 's']!) : undefined;
}

/** `500M`, `10G`, `10GiB`, `2T` (binary units) or a number of bytes; undefined when not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  return m ? Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!) : undefined;
}
