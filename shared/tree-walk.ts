/**
 * Walks a directory image as tar would archive it: lstat of every entry,
 * never following a symlink, hard links reported as tar stores them (the
 * first name found holds the data), sockets left out (tar skips them too).
 * Unreadable directories are skipped.
 *
 * The calls are synchronous: from the page cache an lstat takes about 2 us,
 * an awaited one goes through the thread pool and costs ten times that in
 * CPU, and the walk runs while tar and the compressor want both cores (the
 * build report's overhead on the archive stage). It yields to the event
 * loop every few milliseconds so progress events and cancellation go on.
 */
import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { EntryType, ImageEntry } from './image-entry';

function typeOf(st: Stats): EntryType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return undefined;
}

/** Linux dev_t: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31. */
function major(rdev: number): number {
  return ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
}
function minor(rdev: number): number {
  return (rdev & 0xff) | ((rdev >>> 12) & ~0xff);
}

/** Back to the event loop this often during a walk. */
const YIELD_EVERY_MS = 2;

function lstatOrUndefined(full: string): Stats | undefined {
  try {
    return lstatSync(full, { throwIfNoEntry: false });
  } catch {
    return undefined; // unreadable
  }
}

/**
 * Calls `visit` with the lstat of `root` and of every entry below it, depth
 * first in readdir order; `visit` returns true to descend into a directory.
 * `full` is the host path, `imagePath` the path inside the image (`/` for root).
 * Entries that vanish meanwhile are left out.
 */
export async function walkStats(
  root: string,
  visit: (st: Stats, full: string, imagePath: string) => boolean,
  signal?: AbortSignal,
): Promise<void> {
  const rootDir = path.resolve(root);
  const rootStat = lstatOrUndefined(rootDir);
  if (!rootStat || !visit(rootStat, rootDir, '/')) return;
  // Directories still to read: [host path, image path]. Depth first keeps the list short.
  const pending: [string, string][] = [[rootDir, '/']];
  let slice = performance.now();
  while (pending.length > 0) {
    if (performance.now() - slice > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
    if (signal?.aborted) return;
    const [dir, imageDir] = pending.pop()!;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // vanished or unreadable: tar reports it
    }
    const prefix = imageDir === '/' ? '/' : `${imageDir}/`;
    // Pushed in reverse so the directories are read in readdir order.
    const below: [string, string][] = [];
    for (const name of names) {
      const full = `${dir}/${name}`;
      const st = lstatOrUndefined(full);
      if (st && visit(st, full, prefix + name)) below.push([full, prefix + name]);
    }
    for (let i = below.length - 1; i >= 0; i--) pending.push(below[i]!);
  }
}

export async function walkTree(root: string, signal?: AbortSignal): Promise<ImageEntry[]> {
  const entries: ImageEntry[] = [];
  const firstNameOfInode = new Map<string, string>();
  await walkStats(
    root,
    (st, full, imagePath) => {
      const type = typeOf(st);
      if (!type) return false;
      const entry: ImageEntry = {
        path: imagePath,
        type,
        mode: st.mode & 0o7777,
        uid: st.uid,
        gid: st.gid,
        size: type === 'file' ? st.size : 0,
        mtime: Math.floor(st.mtimeMs / 1000),
      };
      if (type === 'file' && st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        const first = firstNameOfInode.get(key);
        if (first !== undefined) {
          entry.type = 'hardlink';
          entry.size = 0;
          entry.linkTarget = first;
        } else firstNameOfInode.set(key, imagePath);
      }
      if (type === 'symlink') {
        try {
          entry.linkTarget = readlinkSync(full);
        } catch {
          entry.linkTarget = '';
        }
      }
      if (type === 'char' || type === 'block') {
        entry.devMajor = major(st.rdev);
        entry.devMinor = minor(st.rdev);
      }
      entries.push(entry);
      return type === 'directory';
    },
    signal,
  );
  return entries;
}
