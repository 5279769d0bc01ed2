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
