/**
 * The processes of a build, seen through /proc: to check that none is left
 * after it was cancelled or killed (other builds may run on the machine
 * meanwhile, so tests look at this build's processes, not at names).
 */
import { readdirSync, readFileSync } from 'node:fs';

export function stat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Running (a zombie nobody reaps has ended: PID 1 here is not an init). */
export function alive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3) !== 'Z';
}

/** Every process below `root`: the container's processes are nspawn's descendants too. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (!s) continue;
    const ppid = Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}
