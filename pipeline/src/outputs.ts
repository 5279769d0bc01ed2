/**
 * What a build leaves behind, and how: img_dir_base and the image are handed
 * to the user who asked for them (SUDO_USER / PKEXEC_UID, like mkosi; the
 * tree inside an image keeps its numeric owners), a directory image is
 * published by rename, and makeimg's own trees are removed only when nothing
 * is mounted inside them.
 */
import { readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runProcess } from '../../shared/process';
import { invokingUser } from './config';
import { InvalidInputError } from './errors';
import { isInside, pathExists } from './paths';

export interface Owner {
  uid: number;
  gid: number;
}

/** Who gets the outputs: the invoking user through sudo or pkexec; undefined when root ran makeimg itself (nothing to hand over). */
export function outputOwner(env: NodeJS.ProcessEnv, passwdFile?: string): Owner | undefined {
  if (!env.SUDO_USER && !env.PKEXEC_UID) return undefined;
  const user = invokingUser(env, passwdFile);
  if (user.uid === undefined || user.gid === undefined || user.uid === 0) return undefined;
  if (user.uid === process.getuid?.()) return undefined;
  return { uid: user.uid, gid: user.gid };
}

/** Create img_dir_base and its missing parents; every directory makeimg created belongs to the owner. */
export async function createImgDirBase(base: string, owner: Owner | undefined): Promise<void> {
  const first = await fs.mkdir(base, { recursive: true });
  if (!first || !owner) return;
  // `first` is the top-most directory created: hand over it and everything below it down to base.
  for (let dir = base; ; dir = path.dirname(dir)) {
    await fs.lchown(dir, owner.uid, owner.gid);
    if (dir === first || dir === path.dirname(dir)) break;
  }
}

/** Mount points at or below `dir` (/proc/self/mountinfo, octal escapes decoded). */
export function mountsBelow(dir: string, mountinfo = '/proc/self/mountinfo'): string[] {
  let text: string;
  try {
    text = readFileSync(mountinfo, 'utf8');
  } catch {
    return [];
  }
  const decode = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => m !== undefined)
    .map(decode)
    .filter((m) => isInside(m, dir));
}

/**
 * Remove a tree makeimg made (a kept working directory, an old image). A
 * mount inside it (a leftover of a build that is still running, or was
 * killed) is never descended into: refused with the mount named. `reach`:
 * the same tree through a held directory (held-dirs.ts), removed instead of
 * the name `p`.
 */
export async function removeTree(p: string, reach = p): Promise<void> {
  const mounts = mountsBelow(path.resolve(p));
  if (mounts.length > 0) {
    throw new InvalidInputError(`${p} is not removed: ${mounts[0]} is mounted inside it (a build may still be running); unmount it first`);
  }
  await removeTrees([reach]);
}

/**
 * Removes trees with GNU rm, not fs.rm: rm walks with openat and O_NOFOLLOW
 * from the descriptor of each directory, so a directory a user renames away
 * and replaces with a link to /etc while root removes the tree (a directory
 * image's top directory is theirs) is not followed; fs.rm walks by path
 * names. --one-file-system: a mount inside is never descended into.
 */
export async function removeTrees(paths: readonly string[]): Promise<void> {
  // In batches: a directory of many entries must not exceed the argument list's limit.
  for (let i = 0; i < paths.length; i += 1000) {
    const batch = paths.slice(i, i + 1000);
    const r = await runProcess(['rm', '-rf', '--one-file-system', '--', ...batch]);
    if (r.kind !== 'ok')
      throw new Error(`cannot remove ${batch.join(', ')}: ${'stderr' in r && r.stderr.trim() ? r.stderr.trim() : r.kind}`);
  }
}

/**
 * A directory image built in a separate working directory replaces the old
 * image: old aside, new into place, old removed. The old image stays whole
 * until the new one is complete.
 */
export async function publishDirectory(workDir: string, imgPath: string): Promise<void> {
  const aside = `${imgPath}.makeimg-old-${process.pid}`;
  const hadOld = await pathExists(imgPath);
  if (hadOld) await fs.rename(imgPath, aside);
  try {
    await fs.rename(workDir, imgPath);
  } catch (e) {
    if (hadOld) await fs.rename(aside, imgPath);
    throw e;
  }
  if (hadOld) await removeTree(aside);
}
