/**
 * The build report of a scanned image (shared/image-report.ts): sizes by
 * directory, the largest files, special files, owners the image cannot name,
 * and the hygiene findings minus the silenced codes.
 */
import { formatCapabilities } from '../../../shared/file-capabilities';
import type { ImageEntry } from '../../../shared/image-entry';
import type { ImageReport, SizeShare, SpecialFile, UnknownOwner } from '../../../shared/image-report';
import { runChecks, type HostFacts } from './hygiene';
import { comparePaths, ImageIndex, type DataFile } from './image-index';
import type { ImageScan } from './scan';

export const LARGEST_COUNT = 20;
/** Example paths an unknown owner lists. */
const OWNER_EXAMPLES = 3;

export interface ReportOptions {
  host: HostFacts;
  /** Check codes not to report. */
  disabled?: ReadonlySet<string>;
}

/** Size share of the directory `key` gives for each path (undefined: not counted). */
function sharesBy(files: DataFile[], key: (p: string) => string | undefined, reusable: (k: string) => boolean): SizeShare[] {
  const shares = new Map<string, SizeShare>();
  let last: SizeShare | undefined;
  const at = (p: string): SizeShare | undefined => {
    // Files come in path order, so most are in the previous one's directory: found without making its name again.
    if (last && p.startsWith(last.path) && p.charCodeAt(last.path.length) === 0x2f) return last;
    const k = key(p);
    if (k === undefined) return undefined;
    let s = shares.get(k);
    if (!s) shares.set(k, (s = { path: k, bytes: 0, files: 0 }));
    last = reusable(k) ? s : undefined;
    return s;
  };
  for (const f of files) {
    const s = at(f.path);
    if (s) s.bytes += f.bytes;
    for (const n of f.names) {
      const sn = n === f.path ? s : at(n);
      if (sn) sn.files += 1;
    }
  }
  return [...shares.values()].sort((a, b) => b.bytes - a.bytes || comparePaths(a.path, b.path));
}

function topLevel(p: string): string {
  const i = p.indexOf('/', 1);
  return i < 0 ? '/' : p.slice(0, i);
}

/** `/usr/lib/x/y` -> `/usr/lib` under `/usr`; a file directly in /usr counts as `/usr`. */
function secondLevel(dir: string): (p: string) => string | undefined {
  const prefix = `${dir}/`;
  return (p) => {
    if (!p.startsWith(prefix)) return undefined;
    const i = p.indexOf('/', prefix.length);
    return i < 0 ? dir : p.slice(0, i);
  };
}

/** The `count` largest files, largest first (ties in path order), without sorting them all. */
function largestFiles(files: DataFile[], count: number): DataFile[] {
  const before = (a: DataFile, b: DataFile) => b.bytes - a.bytes || comparePaths(a.path, b.path);
  const top: DataFile[] = [];
  for (const f of files) {
    if (top.length === count && before(f, top[count - 1]!) >= 0) continue;
    let i = Math.min(top.length, count - 1);
    while (i > 0 && before(f, top[i - 1]!) < 0) i--;
    top.splice(i, 0, f);
    if (top.length > count) top.pop();
  }
  return top;
}

/**
 * File capabilities act only when the file is executed, and nobody (root
 * included) can execute a file without an execute bit: the report lists the
 * ones that take effect, whichever source the scan came from, and the tree
 * scan reads them only where they can (scan-tree.ts).
 */
export function capabilityTakesEffect(e: ImageEntry): boolean {
  return e.type === 'file' && (e.mode & 0o111) !== 0;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function special(f: DataFile, capabilities?: string): SpecialFile {
  const s: SpecialFile = { path: f.path, mode: octal(f.entry.mode), uid: f.entry.uid, gid: f.entry.gid };
  if (capabilities) s.capabilities = capabilities;
  return s;
}

/** The numeric ids of an /etc/passwd or /etc/group (third field). */
function idsOf(content: Buffer | undefined): Set<number> | undefined {
  if (!content) return undefined;
  const ids = new Set<number>();
  for (const line of content.toString('utf8').split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && /^\d+$/.test(f[2]!)) ids.add(Number(f[2]));
  }
  return ids;
}

function unknownOwners(entries: Iterable<ImageEntry>, kind: 'uid' | 'gid', known: Set<number>): UnknownOwner[] {
  const owners = new Map<number, string[]>();
  for (const e of entries) {
    const id = e[kind];
    if (id === 0 || known.has(id)) continue; // root is root with or without a passwd line
    const list = owners.get(id);
    if (list) list.push(e.path);
    else owners.set(id, [e.path]);
  }
  return [...owners]
    .map(([id, paths]) => ({ kind, id, entries: paths.length, examples: paths.sort(comparePaths).slice(0, OWNER_EXAMPLES) }))
    .sort((a, b) => a.id - b.id);
}

export function buildReport(scan: ImageScan, options: ReportOptions): ImageReport {
  const index = new ImageIndex(scan);
  const entries = [...index.byPath.values()];
  const files = index.dataFiles;
  const counts = { files: 0, directories: 0, symlinks: 0, devices: 0, other: 0 };
  for (const e of entries) {
    if (e.type === 'file' || e.type === 'hardlink') counts.files++;
    else if (e.type === 'directory') counts.directories++;
    else if (e.type === 'symlink') counts.symlinks++;
    else if (e.type === 'char' || e.type === 'block') counts.devices++;
    else counts.other++;
  }

  const passwd = idsOf(index.get('/etc/passwd')?.type === 'file' ? index.content('/etc/passwd') : undefined);
  const group = idsOf(index.get('/etc/group')?.type === 'file' ? index.content('/etc/group') : undefined);

  const all = runChecks(index, options.host);
  const disabled = options.disabled ?? new Set<string>();
  const suppressed = new Map<string, number>();
  for (const f of all) if (disabled.has(f.code)) suppressed.set(f.code, (suppressed.get(f.code) ?? 0) + 1);

  return {
    totalBytes: files.reduce((n, f) => n + f.bytes, 0),
    counts,
    // A share found for one path serves the next ones below it, except `/` and a file directly in /usr or /var.
    byTopDir: sharesBy(files, topLevel, (k) => k !== '/'),
    byUsr: sharesBy(files, secondLevel('/usr'), (k) => k !== '/usr'),
    byVar: sharesBy(files, secondLevel('/var'), (k) => k !== '/var'),
    largest: largestFiles(files, LARGEST_COUNT).map((f) => ({ path: f.path, bytes: f.bytes })),
    setuid: files.filter((f) => f.entry.mode & 0o4000).map((f) => special(f)),
    setgid: files.filter((f) => f.entry.mode & 0o2000).map((f) => special(f)),
    capabilities: files
      .filter((f) => f.entry.capability && capabilityTakesEffect(f.entry))
      .map((f) => special(f, formatCapabilities(f.entry.capability!))),
    devices: entries
      .filter((e) => e.type === 'char' || e.type === 'block')
      .map((e) => ({ path: e.path, kind: e.type as 'char' | 'block', major: e.devMajor ?? 0, minor: e.devMinor ?? 0 }))
      .sort((a, b) => comparePaths(a.path, b.path)),
    unknownOwners: [...unknownOwners(entries, 'uid', passwd ?? new Set()), ...unknownOwners(entries, 'gid', group ?? new Set())],
    hasPasswd: passwd !== undefined,
    hasGroup: group !== undefined,
    findings: all.filter((f) => !disabled.has(f.code)),
    suppressed: [...suppressed].map(([code, n]) => ({ code, findings: n })),
  };
}
