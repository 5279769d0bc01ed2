/**
 * Scans a directory image (or $img_dir while it is archived): every entry
 * (shared/tree-walk.ts), file capabilities from one `getfattr` run over the
 * tree, and the content of the few files the checks read.
 */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ImageEntry } from '../../../shared/image-entry';
import { walkTree } from '../../../shared/tree-walk';
import { findOnPath } from '../archive/compressors';
import { runProcess } from '../../../shared/process';
import { CONTENT_MAX_BYTES, CONTENT_PATHS, type ImageScan } from './scan';

export async function scanTree(root: string, signal?: AbortSignal): Promise<ImageScan> {
  const rootDir = path.resolve(root);
  const notes: string[] = [];
  const [caps, entries] = await Promise.all([
    capabilitiesIn(rootDir, signal).catch((e: Error) => {
      notes.push(`file capabilities not read: ${e.message}`);
      return new Map<string, Uint8Array>();
    }),
    walkTree(rootDir, signal),
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
  const result = await runProcess(
    [
      getfattr,
      '--recursive',
      '--physical',
      '--no-dereference',
      '--absolute-names',
      '--dump',
      '--match=^security\\.capability$',
      '--encoding=hex',
      '--',
      root,
    ],
    {
      signal,
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
  if (result.kind !== 'ok' && caps.size === 0 && errors.length > 0) throw new Error(errors.slice(-1)[0]);
  return caps;
}
