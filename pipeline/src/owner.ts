/**
 * Which makeimg process owns a temporary file or directory. Names of what a
 * build leaves around while it runs (partial archives, its lease beside the
 * image, control directories) carry the owner's pid and start time
 * (`<pid>-<start>`), so a later run can tell a live owner (never touched)
 * from a dead one (a build killed with SIGKILL, a crash), whose leftovers it
 * removes. The start time makes a recycled pid no longer count as the owner.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface OwningProcess {
  pid: number;
  /** Start time in clock ticks after boot (/proc/PID/stat field 22). */
  start: number;
}

/** `<pid>-<start>` of this process. */
export function ownerTag(owner: OwningProcess = thisProcess()): string {
  return `${owner.pid}-${owner.start}`;
}

/** The owner in a name containing `<pid>-<start>` right after `prefix`, or undefined. */
export function ownerIn(name: string, prefix: string): OwningProcess | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const m = /^(\d+)-(\d+)(?:-|$)/.exec(name.slice(prefix.length));
  return m ? { pid: Number(m[1]), start: Number(m[2]) } : undefined;
}

/** True while the owner runs (a zombie has ended). */
export function ownerAlive(owner: OwningProcess): boolean {
  const stat = procStat(owner.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.start === owner.start;
}

export function isThisProcess(owner: OwningProcess): boolean {
  const self = thisProcess();
  return owner.pid === self.pid && owner.start === self.start;
}

let self: OwningProcess | undefined;

function thisProcess(): OwningProcess {
  if (!self) {
    const stat = procStat(process.pid);
    if (!stat) throw new Error('cannot read /proc/self/stat');
    self = { pid: process.pid, start: stat.start };
  }
  return self;
}

function procStat(pid: number): { state: string; start: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields count from the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); starttime is field 22.
  return { state: fields[0]!, start: Number(fields[19]) };
}

export interface Owned {
  path: string;
  owner: OwningProcess;
}

/**
 * The entries of `dir` named `<prefix><pid>-<start>...`, split by whether
 * their owner still runs (this process counts as running).
 */
export async function ownedEntries(dir: string, prefix: string): Promise<{ dead: Owned[]; live: Owned[] }> {
  const dead: Owned[] = [];
  const live: Owned[] = [];
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return { dead, live };
  }
  for (const name of names) {
    const owner = ownerIn(name, prefix);
    if (owner) (ownerAlive(owner) ? live : dead).push({ path: path.join(dir, name), owner });
  }
  return { dead, live };
}

/** "left by makeimg pid N, which is no longer running" */
export function deadOwnerWords(owner: OwningProcess): string {
  return `left by makeimg (pid ${owner.pid}), which is no longer running`;
}
