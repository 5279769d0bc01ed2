/**
 * Scans a directory image (or $img_dir while it is archived): every entry
 * (shared/tree-walk.ts), file capabilities from `getfattr` over the
 * executable files the walk found, and the content of the few files the
 * checks read.
 */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ImageEntry } from '../../../shared/image-entry';
import { walkTree } from '../../../shared/tree-walk';
import { findOnPath } from '../archive/compressors';
import { runProcess } from '../../../shared/process';
import { capabilityTakesEffect } from './report';
import { CONTENT_MAX_BYTES, CONTENT_PATHS, type ImageScan } from './scan';

export async function scanTree(root: string, signal?: AbortSignal): Promise<ImageScan> {
  const rootDir = path.resolve(root);
  const notes: string[] = [];
  const entries = await walkTree(rootDir, signal);
  // Only where the report lists them (a hard link shares its first name's inode): about one file in ten.
  const files = entries.filter(capabilityTakesEffect);
  const caps = await capabilitiesOf(
    rootDir,
    files.map((e) => e.path),
    signal,
  ).catch((e: Error) => {
    notes.push(`file capabilities not read: ${e.message}`);
    return new Map<string, Uint8Array>();
  });
  if (caps.size > 0) {
    for (const e of files) {
      const c = caps.get(e.path);
      if (c) e.capability = c;
    }
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

/** Arguments given to one getfattr run at most (Linux allows 2 MiB of argv and environment together). */
const ARGV_BYTES = 512 * 1024;

/**
 * Image path -> raw security.capability, for each of `imagePaths` that has
 * one. getfattr gets the names (relative to root, which is its working
 * directory) instead of walking the tree again itself: the walk already
 * stat'ed everything, and it saves as many lstat, readdir and llistxattr
 * calls as the tree has directories, links and devices.
 */
async function capabilitiesOf(root: string, imagePaths: string[], signal?: AbortSignal): Promise<Map<string, Uint8Array>> {
  const getfattr = findOnPath('getfattr');
  if (!getfattr) throw new Error('getfattr not found on PATH (install the attr package)');
  const caps = new Map<string, Uint8Array>();
  const errors: string[] = [];
  let failed = false;
  for (let start = 0; start < imagePaths.length;) {
    const batch: string[] = [];
    let bytes = 0;
    while (start < imagePaths.length && (batch.length === 0 || bytes + imagePaths[start]!.length < ARGV_BYTES)) {
      // `./` keeps a name starting with `-` a name; getfattr prints it back as given.
      const name = `.${imagePaths[start++]!}`;
      batch.push(name);
      bytes += name.length + 1;
    }
    let file: string | undefined;
    const result = await runProcess(
      [getfattr, '--physical', '--no-dereference', '--dump', '--match=^security\\.capability$', '--encoding=hex', '--', ...batch],
      {
        cwd: root,
        signal,
        onLine: (stream, line) => {
          if (stream === 'stderr') {
            errors.push(line);
            return;
          }
          if (line.startsWith('# file: ')) file = unescapeGetfattr(line.slice('# file: '.length));
          else if (line.startsWith('security.capability=0x') && file !== undefined) {
            caps.set(path.posix.normalize(`/${file}`), Buffer.from(line.slice('security.capability=0x'.length), 'hex'));
          }
        },
      },
    );
    if (result.kind !== 'ok') failed = true;
    if (signal?.aborted) break;
  }
  if (failed && caps.size === 0 && errors.length > 0) throw new Error(errors.slice(-1)[0]);
  return caps;
}
