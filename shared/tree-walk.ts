/**
 * Walks a directory image as tar would archive it: lstat of every entry,
 * never following a symlink, hard links reported as tar stores them (the
 * first name found holds the data), sockets left out (tar skips them too).
 * Unreadable directories are skipped.
 */
import { promises as fs, type Stats } from 'node:fs';
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

export async function walkTree(root: string, signal?: AbortSignal): Promise<ImageEntry[]> {
  const rootDir = path.resolve(root);
  const entries: ImageEntry[] = [];
  const firstNameOfInode = new Map<string, string>();

  const add = async (full: string, imagePath: string): Promise<boolean> => {
    let st;
    try {
      st = await fs.lstat(full, { bigint: false });
    } catch {
      return false; // vanished
    }
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
    if (type === 'symlink') entry.linkTarget = await fs.readlink(full).catch(() => '');
    if (type === 'char' || type === 'block') {
      entry.devMajor = major(st.rdev);
      entry.devMinor = minor(st.rdev);
    }
    entries.push(entry);
    return type === 'directory';
  };

  const visit = async (dir: string, imageDir: string): Promise<void> => {
    if (signal?.aborted) return;
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      return; // vanished or unreadable: tar reports it
    }
    await Promise.all(
      names.map(async (name) => {
        const full = path.join(dir, name);
        const imagePath = imageDir === '/' ? `/${name}` : `${imageDir}/${name}`;
        if (await add(full, imagePath)) await visit(full, imagePath);
      }),
    );
  };

  if (await add(rootDir, '/')) await visit(rootDir, '/');
  return entries;
}
