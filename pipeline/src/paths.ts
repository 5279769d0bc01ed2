/** Questions about paths the stages ask before they write anything. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * `candidate` is `dir` itself or lies below it. Purely lexical: callers
 * resolve symlinks first where they matter. A name that merely starts with
 * two dots (`..cache`) is inside.
 */
export function isInside(candidate: string, dir: string): boolean {
  const rel = path.relative(dir, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** True when something (even a dangling symlink) is at `p`; a path below a file does not exist. */
export async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw e;
  }
}
