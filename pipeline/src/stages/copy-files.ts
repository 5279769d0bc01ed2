/**
 * The preinstall/postinstall copies: src relative to $src_dir (and staying
 * inside it), dst relative to $img_dir. A destination that would land
 * outside $img_dir, through `..` or through a symlink already in the image
 * (e.g. an absolute link to a host path), is refused. Parent directories are
 * created; modes are preserved; directories are copied recursively with
 * symlinks copied as links.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isInside } from '../paths';

export class CopyRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyRefusedError';
  }
}

/** Absolute, real source path inside srcDir, or a refusal. */
export async function resolveSource(srcDir: string, src: string): Promise<string> {
  if (!src) throw new CopyRefusedError('empty source path');
  const realSrcDir = await fs.realpath(srcDir);
  const wanted = path.resolve(realSrcDir, src);
  let real: string;
  try {
    real = await fs.realpath(wanted);
  } catch {
    throw new CopyRefusedError(`source ${JSON.stringify(src)} does not exist in ${srcDir}`);
  }
  if (real === realSrcDir) {
    throw new CopyRefusedError(
      `source ${JSON.stringify(src)} is the project directory itself; name the files or directories in it to copy`,
    );
  }
  if (!isInside(real, realSrcDir)) {
    throw new CopyRefusedError(`source ${JSON.stringify(src)} is outside ${srcDir} (resolves to ${real})`);
  }
  return real;
}

/**
 * Where `rel` (relative to imgDir; a leading / also means inside the image)
 * lands on the host, following symlinks that already exist in the image the
 * way the kernel would. Refused if that is outside imgDir. Components that
 * do not exist yet are taken as they are.
 */
export async function resolveDestination(imgDir: string, rel: string): Promise<string> {
  const root = path.resolve(imgDir);
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw new CopyRefusedError(`destination ${JSON.stringify(rel)} is the image root itself`);
  const escape = (via: string): CopyRefusedError =>
    new CopyRefusedError(`destination ${JSON.stringify(rel)} would land outside ${imgDir} (${via})`);
  let current = root;
  let hops = 0;
  const queue = [...parts];
  while (queue.length > 0) {
    const part = queue.shift()!;
    const candidate = part === '..' ? path.dirname(current) : path.join(current, part);
    if (!isInside(candidate, root)) throw escape('through ..');
    let stat;
    try {
      stat = await fs.lstat(candidate);
    } catch {
      current = candidate; // does not exist yet: created by the copy
      continue;
    }
    if (!stat.isSymbolicLink()) {
      current = candidate;
      continue;
    }
    if (++hops > 40) throw escape('too many symlinks');
    const target = await fs.readlink(candidate);
    const base = path.isAbsolute(target) ? '/' : current;
    const resolved = path.resolve(base, target);
    if (!isInside(resolved, root)) throw escape(`through the symlink ${path.relative(root, candidate)} -> ${target}`);
    // Continue from the link's target, then the rest of the path.
    current = root;
    queue.unshift(
      ...path
        .relative(root, resolved)
        .split('/')
        .filter((p) => p !== ''),
    );
  }
  if (current === root) throw escape('it is the image root');
  return current;
}

/** Copy `source` to `rel` in the image, resolving every destination path anew (links inside the image included). */
async function copyEntry(source: string, imgDir: string, rel: string): Promise<void> {
  const stat = await fs.lstat(source);
  if (stat.isSymbolicLink()) {
    // Replace the link itself, never what an existing link at rel points to.
    const parentRel = path.posix.dirname(rel);
    const parent = parentRel === '.' || parentRel === '/' ? path.resolve(imgDir) : await resolveDestination(imgDir, parentRel);
    const linkPath = path.join(parent, path.posix.basename(rel));
    await fs.rm(linkPath, { force: true });
    await fs.symlink(await fs.readlink(source), linkPath);
    return;
  }
  const destination = await resolveDestination(imgDir, rel);
  if (stat.isDirectory()) {
    await fs.mkdir(destination, { recursive: true });
    for (const name of await fs.readdir(source)) await copyEntry(path.join(source, name), imgDir, `${rel}/${name}`);
    await fs.chmod(destination, stat.mode & 0o7777);
  } else if (stat.isFile()) {
    await fs.copyFile(source, destination);
    await fs.chmod(destination, stat.mode & 0o7777);
  } else {
    throw new CopyRefusedError(`${source} is not a regular file, directory or symlink`);
  }
}

export interface CopyPair {
  src: string;
  dst: string;
}

/** Check every pair first (nothing is copied if one is refused), then copy. */
export async function copyFiles(srcDir: string, imgDir: string, pairs: CopyPair[], onCopy?: (p: CopyPair) => void): Promise<void> {
  const planned: { source: string; pair: CopyPair }[] = [];
  for (const pair of pairs) planned.push({ source: await resolveSource(srcDir, pair.src), pair });
  for (const { pair } of planned) await resolveDestination(imgDir, pair.dst);
  for (const { source, pair } of planned) {
    const destination = await resolveDestination(imgDir, pair.dst);
    await fs.mkdir(path.dirname(destination), { recursive: true });
    onCopy?.(pair);
    await copyEntry(source, imgDir, pair.dst);
  }
}
