/**
 * Test trees for the archive stage, built with the real tools (chown, chmod,
 * setcap, setfattr, setfacl, mknod), and a description of a tree that two
 * trees can be compared by: types, modes, owners, contents, link targets,
 * hard-link groups, device numbers, mtimes, and every xattr (capabilities and
 * ACLs included, as getfattr sees them).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const OWNER = { uid: 1234, gid: 5678 };
/** A file whose mtime (2001-09-09) predates the tests' SOURCE_DATE_EPOCH. */
export const OLD_FILE = 'etc/old';
export const OLD_MTIME = 1_000_000_000;

/** Regular-file content bytes of `buildRootfsTree`, each hard-linked inode once. */
export interface BuiltTree {
  root: string;
  contentBytes: number;
}

/**
 * A small rootfs-like tree. `reverse` creates the same entries in the
 * opposite order (other inode numbers, other readdir order, other times).
 */
export async function buildRootfsTree(root: string, opts: { reverse?: boolean } = {}): Promise<BuiltTree> {
  const files: [string, string | Buffer][] = [
    ['etc/hostname', 'image\n'],
    ['etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nalice:x:1234:5678::/home/alice:/bin/bash\n'],
    ['etc/name with space', 'spaces\n'],
    ['etc/ünïcødé', 'utf-8 name\n'],
    ['home/alice/notes', 'owned by 1234:5678\n'],
    ['usr/share/big', Buffer.alloc(200_000, 'abcdefgh')],
  ];
  const dirs = ['bin', 'dev', 'etc', 'home/alice', 'usr/share', 'var/empty', 'tmp'];
  const steps: (() => Promise<void>)[] = [];
  for (const d of dirs) steps.push(() => fs.mkdir(path.join(root, d), { recursive: true }).then(() => undefined));
  for (const [name, content] of files) {
    steps.push(async () => {
      await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
      await fs.writeFile(path.join(root, name), content);
    });
  }
  if (opts.reverse) steps.reverse();
  await fs.mkdir(root, { recursive: true });
  for (const step of steps) await step();

  const at = (p: string) => path.join(root, p);
  // A setuid binary with a file capability (setcap after chmod: chown/chmod order matters for caps).
  await fs.copyFile('/usr/bin/true', at('bin/ping'));
  await fs.chmod(at('bin/ping'), 0o4755);
  run('setcap', ['cap_net_raw+ep', at('bin/ping')]);
  await fs.chown(at('home/alice'), OWNER.uid, OWNER.gid);
  await fs.chown(at('home/alice/notes'), OWNER.uid, OWNER.gid);
  await fs.chmod(at('home/alice'), 0o700);
  await fs.chmod(at('tmp'), 0o1777);
  await fs.chmod(at('etc/passwd'), 0o644);
  await fs.link(at('etc/passwd'), at('etc/passwd-hardlink'));
  await fs.symlink('../etc/hostname', at('bin/hostname-link'));
  await fs.symlink('/nonexistent/dangling', at('bin/dangling'));
  run('setfattr', ['-n', 'user.x', '-v', 'hello', at('etc/hostname')]);
  run('setfacl', ['-m', 'u:4321:rw', at('home/alice/notes')]);
  run('setfacl', ['-d', '-m', 'g:5678:rx', at('var/empty')]);
  run('mknod', [at('dev/null'), 'c', '1', '3']);
  run('mkfifo', [at('dev/fifo')]);
  // Older than any SOURCE_DATE_EPOCH a test uses: clamping must keep its time.
  await fs.writeFile(at(OLD_FILE), 'from 2001\n');
  await fs.utimes(at(OLD_FILE), OLD_MTIME, OLD_MTIME);

  const extras = ['bin/ping', OLD_FILE];
  let contentBytes = files.reduce((n, [, c]) => n + Buffer.byteLength(c), 0);
  for (const p of extras) contentBytes += (await fs.stat(at(p))).size;
  return { root, contentBytes };
}

/** One line per entry, sorted by path; equal descriptions mean equal trees for everything tar must keep. */
export async function describeTree(root: string, opts: { mtimes?: boolean } = {}): Promise<string[]> {
  const lines: string[] = [];
  const firstNameOfInode = new Map<string, string>();
  async function visit(rel: string): Promise<void> {
    const full = path.join(root, rel);
    const st = await fs.lstat(full);
    const type = st.isDirectory()
      ? 'd'
      : st.isSymbolicLink()
        ? 'l'
        : st.isFile()
          ? 'f'
          : st.isCharacterDevice()
            ? 'c'
            : st.isFIFO()
              ? 'p'
              : '?';
    const parts = [rel, type, (st.mode & 0o7777).toString(8), `${st.uid}:${st.gid}`];
    if (st.isFile()) {
      const inode = `${st.ino}`;
      const first = firstNameOfInode.get(inode);
      if (first) parts.push(`hardlink-to=${first}`);
      else {
        firstNameOfInode.set(inode, rel);
        parts.push(
          `size=${st.size}`,
          `sha256=${createHash('sha256')
            .update(await fs.readFile(full))
            .digest('hex')}`,
        );
      }
    }
    if (st.isSymbolicLink()) parts.push(`target=${await fs.readlink(full)}`);
    if (st.isCharacterDevice()) parts.push(`rdev=${st.rdev}`);
    if (opts.mtimes && !st.isSymbolicLink() && rel !== '.') parts.push(`mtime=${st.mtimeMs}`);
    lines.push(parts.join(' '));
    if (st.isDirectory()) {
      for (const name of (await fs.readdir(full)).sort()) await visit(rel === '.' ? name : `${rel}/${name}`);
    }
  }
  await visit('.');
  return [...lines, ...xattrBlocks(root)];
}

/** Every xattr of every entry (security.capability, system.posix_acl_*, user.*), as sorted `getfattr` blocks. */
function xattrBlocks(root: string): string[] {
  const out = execFileSync('getfattr', ['-R', '-h', '-d', '-m', '-', '-e', 'hex', '.'], { cwd: root, encoding: 'utf8' });
  return out
    .split(/\n\n+/)
    .map((b) => b.trim())
    .filter((b) => b !== '')
    .map((b) => b.split('\n').join(' | '))
    .sort();
}

export function run(program: string, args: string[], cwd?: string): string {
  return execFileSync(program, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Extract as a user is told to in docs/archive.md (GNU tar detects the compression). */
export function extractArchive(archive: string, into: string): void {
  run('tar', ['--xattrs', '--xattrs-include=*', '--acls', '--numeric-owner', '-xpf', archive, '-C', into]);
}

/** Pids of this process's direct children whose command name is one of `names`. */
export async function childPidsNamed(names: readonly string[]): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ..."; comm may contain spaces, so split after the last ')'.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && names.includes(comm)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of every process with an open fd whose link reads `link` (e.g. `socket:[123]`). */
export async function processesHolding(link: string): Promise<number[]> {
  const holders = new Set<number>();
  for (const pid of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const fds = await fs.readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === link) holders.add(Number(pid));
    }
  }
  return [...holders].sort((a, b) => a - b);
}
