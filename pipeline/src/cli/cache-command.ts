/**
 * `makeimg cache list` and `makeimg cache clean [--all | --older-than D |
 * --keep-size SIZE]`: the install cache's entries (cache/store.ts), for
 * people or (`--json`) as one JSON object.
 */
import { formatAge, formatBytes } from '../../../shared/units';
import { CacheStore, type EntryMeta } from '../cache/store';
import { EXIT } from '../../../shared/events';

function table(entries: EntryMeta[], now: number): string {
  if (entries.length === 0) return 'the install cache is empty\n';
  const rows = entries
    .sort((a, b) => b.lastUsed - a.lastUsed)
    .map((m) => [m.key.slice(0, 12), formatBytes(m.bytes), formatAge(now - m.created), formatAge(now - m.lastUsed), m.imageFile]);
  const head = ['KEY', 'SIZE', 'BUILT', 'LAST USED', 'IMAGE.SH'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd() + '\n';
  const total = entries.reduce((n, m) => n + m.bytes, 0);
  return [head, ...rows].map(line).join('') + `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, ${formatBytes(total)}\n`;
}

/** What `makeimg cache clean` removes: everything, entries older than D, or the least recently used beyond SIZE. */
export interface CleanOptions {
  all?: true;
  olderThanMs?: number;
  keepBytes?: number;
}

/** Whether `clean` keeps an entry (entries come least recently used first; `total` is what the cache holds now). */
function keeps(o: CleanOptions, now: number): (m: EntryMeta, total: number) => boolean {
  return (m, total) => {
    if (o.all) return false;
    if (o.olderThanMs !== undefined && now - m.created > o.olderThanMs) return false;
    if (o.keepBytes !== undefined && total > o.keepBytes) return false;
    return true;
  };
}

export async function runCacheCommand(
  action: 'list' | 'clean',
  o: { dir: string; json: boolean; clean?: CleanOptions; signal: AbortSignal },
  out: NodeJS.WritableStream,
): Promise<number> {
  const store = await CacheStore.open(o.dir);
  const now = Date.now();
  if (action === 'list') {
    const entries = await store.list();
    out.write(o.json ? JSON.stringify({ dir: o.dir, entries }) + '\n' : `install cache: ${o.dir}\n` + table(entries, now));
    return EXIT.OK;
  }
  const removed = await store.evict(keeps(o.clean ?? {}, now), o.signal);
  const freed = removed.reduce((n, m) => n + m.bytes, 0);
  out.write(
    o.json
      ? JSON.stringify({ dir: o.dir, removed }) + '\n'
      : `removed ${removed.length} entr${removed.length === 1 ? 'y' : 'ies'} (${formatBytes(freed)}) from ${o.dir}\n`,
  );
  return EXIT.OK;
}
