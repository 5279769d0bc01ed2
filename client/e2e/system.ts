/**
 * What a build leaves on the machine, seen from outside VS Code: processes
 * that still refer to a folder, mounts under it, and archive contents.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  /** Real user id. */
  uid: number;
  cmdline: string;
  cwd: string;
}

/**
 * Processes whose command line or working directory refers to `dir`: the
 * build's systemd-nspawn (its --bind-ro/--chdir name $src_dir) and the hooks
 * running inside it (their cwd is $src_dir).
 */
export function processesUsing(dir: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmdline = '';
    let cwd = '';
    let uid = -1;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? -1);
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      // exited meanwhile, or a kernel thread
    }
    if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) found.push({ pid, uid, cmdline, cwd });
  }
  return found;
}

/** Mount points (from this namespace's /proc/self/mountinfo) at or under `dir`. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((mountPoint): mountPoint is string => !!mountPoint && (mountPoint === dir || mountPoint.startsWith(`${dir}/`)));
}

/** Member names of a tar archive (any compression tar detects), without a leading "./". */
export function archiveMembers(archive: string): string[] {
  return execFileSync('tar', ['-taf', archive], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\n')
    .filter(Boolean)
    .map((name) => name.replace(/^\.\//, '').replace(/\/$/, ''));
}

/** The content of one member of a tar archive. */
export function archiveFile(archive: string, member: string): string {
  const names = execFileSync('tar', ['-taf', archive], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n');
  const stored = names.find((n) => n.replace(/^\.\//, '') === member);
  if (!stored) throw new Error(`${member} is not in ${archive}`);
  return execFileSync('tar', ['-xaOf', archive, stored], { encoding: 'utf8' });
}

/** The process `pid` and all its descendants (by parent pid in /proc/PID/stat), as processesUsing describes them. */
export function processTree(pid: number): ProcessInfo[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry);
    if (!Number.isInteger(child)) continue;
    try {
      // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so split after the last ")".
      const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
      parents.set(child, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree.flatMap((p) => {
    try {
      return [
        {
          pid: p,
          uid: Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? -1),
          cmdline: readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(),
          cwd: '',
        },
      ];
    } catch {
      return [];
    }
  });
}

/** Whether a process with this pid exists (a zombie counts until it is reaped). */
export function processExists(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}

/** A process's environment (/proc/PID/environ; root reads anyone's). */
export function processEnvironment(pid: number): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter((v) => v.includes('='))
      .map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]),
  );
}
