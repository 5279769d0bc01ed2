/**
 * The image hygiene checks (shared/image-report.ts IMAGE_CHECKS): what makes
 * an image worse for systemd-machined, docker and buildah, each finding with
 * the specifics and shell lines that fix it in a hook. Only regular files
 * count as present; symlinks are followed inside the image.
 */
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { DO_INSTALL, DO_POSTINSTALL } from '../../../shared/contract';
import { imageCheck, type ImageCheckCode, type ImageFinding } from '../../../shared/image-report';
import { formatBytes } from '../../../shared/units';
import { comparePaths, type ImageIndex } from './image-index';

/** What the build host looked like, to recognise its files in the image. */
export interface HostFacts {
  resolvConf?: Buffer;
  hostname?: string;
}

export async function readHostFacts(): Promise<HostFacts> {
  const resolvConf = await fs.readFile('/etc/resolv.conf').catch(() => undefined);
  const etcHostname = await fs.readFile('/etc/hostname', 'utf8').catch(() => undefined);
  return { resolvConf, hostname: etcHostname?.trim() || hostname() };
}

/** Where world-writable entries are expected. */
const TMP_DIRS = ['/tmp', '/var/tmp', '/dev/shm', '/run/lock', '/var/lock'];
/** How many paths a finding names before "and N more". */
const LISTED = 10;

function quote(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/** An image path as do_install names it, under $img_dir: `"$img_dir/tmp/x"`. */
function inImgDir(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? `"$img_dir${p}"` : `"$img_dir"${quote(p)}`;
}

function listing(paths: string[]): string {
  const shown = paths.slice(0, LISTED).join(', ');
  return paths.length > LISTED ? `${shown} and ${paths.length - LISTED} more` : shown;
}

function isUnder(p: string, dir: string): boolean {
  return p === dir || p.startsWith(`${dir}/`);
}

export function runChecks(index: ImageIndex, host: HostFacts): ImageFinding[] {
  const findings: ImageFinding[] = [];
  const add = (code: ImageCheckCode, f: Omit<ImageFinding, 'code' | 'why' | 'hook'> & { hook?: ImageFinding['hook'] }): void => {
    findings.push({ code, why: imageCheck(code)!.why, hook: DO_POSTINSTALL, ...f });
  };
  const regular = (p: string) => {
    const e = index.resolve(p);
    return e?.type === 'file' ? e : undefined;
  };
  const text = (p: string) => index.content(p)?.toString('utf8');

  // MKIMG101, MKIMG102: machine ids. "uninitialized" is systemd's first-boot marker, as good as empty.
  const machineId = index.get('/etc/machine-id');
  const machineIdText = machineId?.type === 'file' ? text('/etc/machine-id')?.trim() : undefined;
  if (machineId?.type === 'file' && machineId.size > 0 && machineIdText !== 'uninitialized') {
    add('MKIMG101', { message: '/etc/machine-id is set', fix: ': > /etc/machine-id', paths: ['/etc/machine-id'] });
  }
  const dbus = index.get('/var/lib/dbus/machine-id');
  const dbusTarget = regular('/var/lib/dbus/machine-id');
  if (dbus && dbusTarget && dbusTarget !== machineId && dbusTarget.size > 0) {
    add('MKIMG102', {
      message: '/var/lib/dbus/machine-id is set',
      fix: 'ln -sf /etc/machine-id /var/lib/dbus/machine-id',
      paths: ['/var/lib/dbus/machine-id'],
    });
  }

  // MKIMG103, MKIMG104: the build host's files copied in (debootstrap copies resolv.conf and hostname).
  const resolv = index.get('/etc/resolv.conf');
  const resolvText = index.content('/etc/resolv.conf');
  if (resolv?.type === 'file' && resolvText && host.resolvConf?.length && resolvText.equals(host.resolvConf)) {
    // do_postinstall sees the host's file bind-mounted over it: only do_install can remove the image's copy.
    add('MKIMG103', {
      message: "/etc/resolv.conf is the build host's",
      fix: 'rm -f "$img_dir/etc/resolv.conf"',
      hook: DO_INSTALL,
      paths: ['/etc/resolv.conf'],
    });
  }
  const name = index.get('/etc/hostname')?.type === 'file' ? text('/etc/hostname')?.trim() : undefined;
  if (name && host.hostname && name === host.hostname) {
    add('MKIMG104', { message: `/etc/hostname is the build host's name (${name})`, fix: 'rm -f /etc/hostname', paths: ['/etc/hostname'] });
  }

  // MKIMG105: SSH host keys.
  const isFile = (p: string) => {
    const e = index.get(p);
    return e !== undefined && index.dataOf(e) !== undefined;
  };
  const keys = index.childrenOf('/etc/ssh').filter((p) => /^\/etc\/ssh\/ssh_host_[^/]*_key$/.test(p) && isFile(p));
  if (keys.length > 0) {
    add('MKIMG105', {
      message: `SSH host keys are in the image: ${listing(keys.sort(comparePaths))}`,
      fix: 'rm -f /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub',
      paths: keys,
    });
  }

  // MKIMG106, MKIMG107: package caches and lists, with their size.
  const filesBelow = (dir: string, test: (p: string) => boolean = () => true) => {
    const found = [...index.below(dir)].filter((e) => index.dataOf(e) && test(e.path));
    return { paths: found.map((e) => e.path).sort(comparePaths), bytes: found.reduce((n, e) => n + index.dataOf(e)!.size, 0) };
  };
  const caches: { dir: string; test?: (p: string) => boolean; fix: string }[] = [
    { dir: '/var/cache/apt/archives', test: (p) => p.endsWith('.deb'), fix: 'apt-get clean' },
    { dir: '/var/cache/pacman/pkg', fix: 'rm -rf /var/cache/pacman/pkg/*' },
    { dir: '/var/cache/dnf', fix: 'dnf clean all' },
    { dir: '/var/cache/apk', fix: 'rm -rf /var/cache/apk/*' },
  ];
  for (const c of caches) {
    const { paths, bytes } = filesBelow(c.dir, c.test);
    if (paths.length === 0) continue;
    add('MKIMG106', { message: `${c.dir} holds ${paths.length} files (${formatBytes(bytes)})`, fix: c.fix, paths, bytes });
  }
  const lists = filesBelow('/var/lib/apt/lists', (p) => p !== '/var/lib/apt/lists/lock');
  if (lists.paths.length > 0) {
    add('MKIMG107', {
      message: `/var/lib/apt/lists holds ${lists.paths.length} files (${formatBytes(lists.bytes)})`,
      fix: 'rm -rf /var/lib/apt/lists/*',
      paths: lists.paths,
      bytes: lists.bytes,
    });
  }

  // MKIMG108-110: logs with content, temporary files, shell histories.
  const logs = [...index.below('/var/log')].filter((e) => e.path.endsWith('.log') && (index.dataOf(e)?.size ?? 0) > 0);
  if (logs.length > 0) {
    const paths = logs.map((e) => e.path).sort(comparePaths);
    const bytes = logs.reduce((n, e) => n + index.dataOf(e)!.size, 0);
    add('MKIMG108', {
      message: `log files with content: ${listing(paths)} (${formatBytes(bytes)})`,
      fix: `for log in ${paths.map(quote).join(' ')}; do : > "$log"; done`,
      paths,
      bytes,
    });
  }
  // do_postinstall sees a tmpfs over the image's /tmp (systemd-nspawn mounts one): what is in the image's /tmp
  // came from do_install, and only do_install can remove it. /var/tmp is the image's own in both hooks.
  const children = (d: string) => (index.get(d)?.type === 'directory' ? index.childrenOf(d).sort(comparePaths) : []);
  const inTmp = children('/tmp');
  if (inTmp.length > 0) {
    add('MKIMG109', {
      message: `temporary files left: ${listing(inTmp)}`,
      fix: `rm -rf ${inTmp.map(inImgDir).join(' ')}`,
      hook: DO_INSTALL,
      paths: inTmp,
    });
  }
  const inVarTmp = children('/var/tmp');
  if (inVarTmp.length > 0) {
    add('MKIMG109', {
      message: `temporary files left: ${listing(inVarTmp)}`,
      fix: `rm -rf ${inVarTmp.map(quote).join(' ')}`,
      paths: inVarTmp,
    });
  }
  const homes = ['/root', ...index.childrenOf('/home')];
  const histories = homes
    .flatMap((h) => ['.bash_history', '.ash_history', '.zsh_history', '.sh_history'].map((f) => `${h}/${f}`))
    .filter(isFile);
  if (histories.length > 0) {
    add('MKIMG110', {
      message: `shell history left: ${listing(histories)}`,
      fix: `rm -f ${histories.map(quote).join(' ')}`,
      paths: histories,
    });
  }

  // MKIMG111: os-release.
  if (!regular('/etc/os-release') && !regular('/usr/lib/os-release')) {
    add('MKIMG111', {
      message: 'neither /etc/os-release nor /usr/lib/os-release exists',
      fix: "printf '%s\\n' 'NAME=\"My image\"' 'ID=myimage' > /usr/lib/os-release",
      paths: [],
    });
  }

  // MKIMG112, MKIMG113: permissions.
  const worldWritable: string[] = [];
  const setuidNotRoot: string[] = [];
  const outsideTmp = (p: string) => !TMP_DIRS.some((d) => isUnder(p, d));
  for (const e of index.byPath.values()) {
    // Sticky world-writable directories are tmp directories by design.
    if (e.type === 'directory' && (e.mode & 0o1002) === 0o002 && outsideTmp(e.path)) worldWritable.push(e.path);
  }
  // A hard-linked file once, under its first name.
  for (const f of index.dataFiles) {
    if ((f.entry.mode & 0o002) !== 0 && outsideTmp(f.path)) worldWritable.push(f.path);
    if ((f.entry.mode & 0o4000) !== 0 && f.entry.uid !== 0) setuidNotRoot.push(f.path);
  }
  if (worldWritable.length > 0) {
    worldWritable.sort(comparePaths);
    add('MKIMG112', {
      message: `world-writable: ${listing(worldWritable)}`,
      fix: `chmod o-w ${worldWritable.map(quote).join(' ')}`,
      paths: worldWritable,
    });
  }
  if (setuidNotRoot.length > 0) {
    setuidNotRoot.sort(comparePaths);
    add('MKIMG113', {
      message: `setuid, not owned by root: ${listing(setuidNotRoot)}`,
      fix: `chmod u-s ${setuidNotRoot.map(quote).join(' ')}`,
      paths: setuidNotRoot,
    });
  }
  return findings;
}
