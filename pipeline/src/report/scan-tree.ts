/**
 * Scans a directory image (or $img_dir while it is archived): lstat of every
 * entry, never following a symlink, hard links reported as tar stores them
 * (the first name found holds the data), sockets left out (tar skips them
 * too), file capabilities from one `getfattr` run over the tree.
 */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { EntryType, ImageEntry } from '../../../shared/image-entry';
import { findOnPath } from '../archive/compressors';
import { runChild } from '../child-process';
import { CONTENT_MAX_BYTES, CONTENT_PATHS, type ImageScan } from './scan';

function typeOf(st: import('node:fs').Stats): EntryType | undefined {
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

export async function scanTree(root: string, signal?: AbortSignal): Promise<ImageScan> {
  const rootDir = path.resolve(root);
  const entries: ImageEntry[] = [];
  const firstNameOfInode = new Map<string, string>();
  const notes: string[] = [];

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

  const [caps] = await Promise.all([
    capabilitiesIn(rootDir, signal).catch((e: Error) => {
      notes.push(`file capabilities not read: ${e.message}`);
      return new Map<string, Uint8Array>();
    }),
    (async () => {
      if (await add(rootDir, '/')) await visit(rootDir, '/');
    })(),
  ]);
  for (const e of entries) {
    const c = e.type === 'file' ? caps.get(e.path) : undefined;
    if (c) e.capability = c;
  }
  return { entries, contents: await readContents(rootDir, entries), notes };
}

/**
 * The CONTENT_PATHS that the walk saw as regular files, read without
 * following a link (the walk never descended through one to reach them).
 */
async function readContents(rootDir: string, entries: ImageEntry[]): Promise<Map<string, Buffer>> {
  const contents = new Map<string, Buffer>();
  for (const e of entries) {
    if (e.type !== 'file' || !CONTENT_PATHS.has(e.path)) continue;
    let handle;
    try {
      handle = await fs.open(path.join(rootDir, e.path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      if (!(await handle.stat()).isFile()) continue;
      const buffer = Buffer.alloc(Math.min(e.size, CONTENT_MAX_BYTES));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      contents.set(e.path, buffer.subarray(0, bytesRead));
    } catch {
      // gone or not readable: the checks treat it as unknown
    } finally {
      await handle?.close();
    }
  }
  return contents;
}

/** `\ooo` and `\\` escapes in getfattr's file names. */
function unescapeGetfattr(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && /^[0-7]{3}$/.test(s.slice(i + 1, i + 4))) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (s[i] === '\\' && s[i + 1] === '\\') {
      bytes.push(0x5c);
      i += 1;
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Image path -> raw security.capability, for every file under root that has one. */
async function capabilitiesIn(root: string, signal?: AbortSignal): Promise<Map<string, Uint8Array>> {
  const getfattr = findOnPath('getfattr');
  if (!getfattr) throw new Error('getfattr not found on PATH (install the attr package)');
  const caps = new Map<string, Uint8Array>();
  let file: string | undefined;
  const errors: string[] = [];
  const result = await runChild(
    [getfattr, '--recursive', '--physical', '--no-dereference', '--absolute-names', '--dump', '--match=^security\\.capability$', '--encoding=hex', '--', root],
    {
      signal: signal ?? new AbortController().signal,
      onLine: (stream, line) => {
        if (stream === 'stderr') {
          errors.push(line);
          return;
        }
        if (line.startsWith('# file: ')) file = unescapeGetfattr(line.slice('# file: '.length));
        else if (line.startsWith('security.capability=0x') && file !== undefined) {
          const rel = path.relative(root, file);
          caps.set(rel === '' ? '/' : `/${rel}`, Buffer.from(line.slice('security.capability=0x'.length), 'hex'));
        }
      },
    },
  );
  if (result.code !== 0 && caps.size === 0 && errors.length > 0) throw new Error(errors.slice(-1)[0]);
  return caps;
}
