/**
 * The build report as text: a short summary after a build (size by
 * top-level directory as a bar chart, special files, findings with their
 * fix) and the full report of `makeimg inspect`. Plain lines; the caller
 * colours them through `Paint` and picks the line ends.
 */
import type { ImageFinding, ImageReport, SizeShare } from './image-report';
import { formatBytes } from './units';

export interface Paint {
  heading(s: string): string;
  dim(s: string): string;
  warn(s: string): string;
}

export const NO_PAINT: Paint = { heading: (s) => s, dim: (s) => s, warn: (s) => s };

const BAR_WIDTH = 24;
/** Directories the summary's chart shows; the rest are summed into one line. */
const SUMMARY_DIRS = 6;
const SUMMARY_LARGEST = 5;

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function bar(bytes: number, max: number): string {
  const cells = max > 0 ? (bytes / max) * BAR_WIDTH : 0;
  const full = Math.floor(cells);
  const partial = ' ▏▎▍▌▋▊▉'[Math.floor((cells - full) * 8)] ?? '';
  return ('█'.repeat(full) + (full < BAR_WIDTH ? partial : '')).padEnd(BAR_WIDTH);
}

function chart(shares: SizeShare[], total: number, limit = shares.length): string[] {
  const shown = shares.slice(0, limit);
  const rest = shares.slice(limit);
  const rows = shown.map((s) => ({ label: s.path, bytes: s.bytes }));
  if (rest.length > 0) rows.push({ label: `${rest.length} more`, bytes: rest.reduce((n, s) => n + s.bytes, 0) });
  const max = Math.max(0, ...rows.map((r) => r.bytes));
  const width = Math.max(0, ...rows.map((r) => r.label.length));
  return rows.map((r) => {
    const pct = total > 0 ? Math.round((r.bytes / total) * 100) : 0;
    return `  ${r.label.padEnd(width)} ${bar(r.bytes, max)} ${formatBytes(r.bytes).padStart(10)} ${String(pct).padStart(3)}%`;
  });
}

function totals(r: ImageReport): string {
  const c = r.counts;
  return (
    `${formatBytes(r.totalBytes)} in ${count(c.files, 'file')}, ${count(c.directories, 'directory', 'directories')}, ` +
    `${count(c.symlinks, 'symlink')}, ${count(c.devices, 'device node')}` +
    (c.other ? `, ${count(c.other, 'other entry', 'other entries')}` : '')
  );
}

function specials(r: ImageReport): string {
  const parts = [
    count(r.setuid.length, 'setuid file'),
    count(r.setgid.length, 'setgid file'),
    count(r.capabilities.length, 'file with capabilities', 'files with capabilities'),
  ];
  const unknown = r.unknownOwners.map((o) => `${o.kind} ${o.id}`);
  if (unknown.length) parts.push(`owners the image does not name: ${unknown.join(', ')}`);
  return parts.join(', ');
}

export function findingLines(f: ImageFinding, paint: Paint): string[] {
  return [paint.warn(`  ${f.code} ${f.message}`), paint.dim(`    why: ${f.why}`), paint.dim(`    fix (in ${f.hook}): ${f.fix}`)];
}

function findingsSection(r: ImageReport, paint: Paint): string[] {
  const silenced = r.suppressed.length ? paint.dim(` (silenced: ${r.suppressed.map((s) => s.code).join(', ')})`) : '';
  if (r.findings.length === 0) return [paint.heading('Hygiene: no findings') + silenced];
  return [
    paint.heading(`Hygiene: ${count(r.findings.length, 'finding')}`) + silenced,
    ...r.findings.flatMap((f) => findingLines(f, paint)),
  ];
}

/** A few lines after a build. */
export function reportSummary(r: ImageReport, paint: Paint = NO_PAINT): string[] {
  const largest = r.largest
    .slice(0, SUMMARY_LARGEST)
    .map((f) => `${f.path} ${formatBytes(f.bytes)}`)
    .join(', ');
  return [
    paint.heading(`Image: ${totals(r)}`),
    ...chart(r.byTopDir, r.totalBytes, SUMMARY_DIRS),
    paint.dim(`  largest: ${largest || 'none'}`),
    paint.dim(`  ${specials(r)}`),
    ...findingsSection(r, paint),
  ];
}

/** Everything, for `makeimg inspect`. */
export function reportFull(r: ImageReport, paint: Paint = NO_PAINT): string[] {
  const lines = [
    paint.heading(`Image: ${totals(r)}`),
    '',
    paint.heading('Size by top-level directory'),
    ...chart(r.byTopDir, r.totalBytes),
  ];
  for (const [dir, shares] of [
    ['/usr', r.byUsr],
    ['/var', r.byVar],
  ] as const) {
    if (shares.length) lines.push('', paint.heading(`Size under ${dir}`), ...chart(shares, r.totalBytes));
  }
  lines.push(
    '',
    paint.heading(`${r.largest.length} largest files`),
    ...r.largest.map((f) => `  ${formatBytes(f.bytes).padStart(10)}  ${f.path}`),
  );
  const list = (title: string, items: string[], notes: string[] = []) => {
    lines.push('', paint.heading(`${title}: ${items.length}`), ...notes.map((n) => paint.dim(`  ${n}`)), ...items.map((i) => `  ${i}`));
  };
  list(
    'setuid files',
    r.setuid.map((f) => `${f.mode} ${f.uid}:${f.gid} ${f.path}`),
  );
  list(
    'setgid files',
    r.setgid.map((f) => `${f.mode} ${f.uid}:${f.gid} ${f.path}`),
  );
  list(
    'file capabilities',
    r.capabilities.map((f) => `${f.path} ${f.capabilities}`),
  );
  list(
    'device nodes',
    r.devices.map((d) => `${d.kind === 'char' ? 'c' : 'b'} ${d.major},${d.minor} ${d.path}`),
  );
  const owners = r.unknownOwners.map((o) => `${o.kind} ${o.id}: ${count(o.entries, 'entry', 'entries')} (${o.examples.join(', ')})`);
  const notes = [
    ...(r.hasPasswd ? [] : ['no /etc/passwd: uids other than 0 cannot be named']),
    ...(r.hasGroup ? [] : ['no /etc/group: gids other than 0 cannot be named']),
  ];
  list('owners the image does not name', owners, notes);
  lines.push('', ...findingsSection(r, paint));
  return lines;
}
