/**
 * A built image opened read-only for the editor: its index (every entry,
 * read once: a `.tar*` through its decompressor, a directory image walked),
 * symlinks resolved inside the image, and file contents on demand: from the
 * offset for a plain `.tar`, by streaming a compressed archive again up to
 * the member (kept in a small cache), or from the directory without
 * following links. Nothing is extracted. No 'vscode' here.
 */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { classifyImageName } from '../../../shared/contract';
import { resolveInImage, type ImageEntry } from '../../../shared/image-entry';
import { decompressorFor, readTarFile } from '../../../shared/tar-file';
import type { TarEntry } from '../../../shared/tar-stream';
import { walkTree } from '../../../shared/tree-walk';

/** Member contents kept for compressed archives (re-reading means decompressing up to the member). */
const CACHE_BYTES = 64 * 1024 * 1024;

export class ImageReadError extends Error {}

export class ImageSource {
  private readonly byPath = new Map<string, ImageEntry | TarEntry>();
  private readonly children = new Map<string, string[]>();
  private readonly cache = new Map<string, Uint8Array>();
  private cachedBytes = 0;

  private constructor(
    readonly imagePath: string,
    readonly kind: 'directory' | 'tar' | 'compressed',
    entries: (ImageEntry | TarEntry)[],
  ) {
    for (const e of entries) this.byPath.set(e.path, e);
    if (!this.byPath.has('/')) this.byPath.set('/', { path: '/', type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 });
    // Every path once (byPath's keys are unique), so each name is added to its parent once.
    const paths = [...this.byPath.keys()];
    for (let child of paths) {
      // Archives may omit parent directories: make them up so every member is reachable.
      while (child !== '/') {
        const slash = child.lastIndexOf('/');
        const parent = slash <= 0 ? '/' : child.slice(0, slash);
        const name = child.slice(slash + 1);
        const names = this.children.get(parent);
        if (names) names.push(name);
        else this.children.set(parent, [name]);
        if (this.byPath.has(parent)) break;
        this.byPath.set(parent, { path: parent, type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 });
        child = parent;
      }
    }
  }

  /** Index an image: a `.tar*` file or a directory. */
  static async open(imagePath: string, signal?: AbortSignal): Promise<ImageSource> {
    const st = await fs.stat(imagePath);
    if (st.isDirectory()) return new ImageSource(imagePath, 'directory', await walkTree(imagePath, signal));
    if (classifyImageName(path.basename(imagePath)).kind !== 'archive') {
      throw new ImageReadError(`${imagePath} is neither a directory image nor a .tar* archive`);
    }
    const entries: TarEntry[] = [];
    await readTarFile(imagePath, { onEntry: (e) => void entries.push(e) }, { signal });
    return new ImageSource(imagePath, decompressorFor(imagePath) ? 'compressed' : 'tar', entries);
  }

  get entryCount(): number {
    return this.byPath.size;
  }

  /** The entry at exactly this path (links not followed). */
  lookup(p: string): ImageEntry | undefined {
    return this.byPath.get(p);
  }

  /** What the path is when the image runs: symlinks followed inside the image, hard links to their data. */
  resolve(p: string): ImageEntry | undefined {
    return resolveInImage((q) => this.byPath.get(q), p);
  }

  /**
   * Every name an editor can open, in path order: regular files, hard links
   * and symlinks that lead to a regular file inside the image.
   */
  openableFiles(): { path: string; bytes: number; linkTarget?: string }[] {
    const files: { path: string; bytes: number; linkTarget?: string }[] = [];
    for (const e of this.byPath.values()) {
      if (e.type !== 'file' && e.type !== 'hardlink' && e.type !== 'symlink') continue;
      const data = e.type === 'file' ? e : this.resolve(e.path);
      if (data?.type !== 'file') continue;
      files.push(e.type === 'symlink' ? { path: e.path, bytes: data.size, linkTarget: e.linkTarget } : { path: e.path, bytes: data.size });
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Names in a directory (the path resolved first). */
  list(dir: string): string[] {
    const d = this.resolve(dir);
    if (!d || d.type !== 'directory') return [];
    return [...(this.children.get(d.path) ?? [])];
  }

  /** The content of a regular file. */
  async read(p: string): Promise<Uint8Array> {
    const e = this.resolve(p);
    if (!e || e.type !== 'file') throw new ImageReadError(`${p} is not a regular file in ${this.imagePath}`);
    if (this.kind === 'directory') return this.readFromDirectory(e);
    // A sparse member's stored bytes are not its content: put together by the streaming reader.
    if (this.kind === 'tar' && !(e as TarEntry).sparse) return this.readAtOffset(e as TarEntry);
    const cached = this.cache.get(e.path);
    if (cached) {
      // Most recently used last.
      this.cache.delete(e.path);
      this.cache.set(e.path, cached);
      return cached;
    }
    const content = await this.readByStreaming(e as TarEntry);
    this.remember(e.path, content);
    return content;
  }

  private async readFromDirectory(e: ImageEntry): Promise<Uint8Array> {
    // The index holds only real directories on the way: open the last component without following a link.
    const handle = await fs.open(path.join(this.imagePath, e.path), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  private async readAtOffset(e: TarEntry): Promise<Uint8Array> {
    const handle = await fs.open(this.imagePath, 'r');
    try {
      const buffer = Buffer.alloc(e.size);
      const { bytesRead } = await handle.read(buffer, 0, e.size, e.offset);
      if (bytesRead !== e.size) throw new ImageReadError(`${this.imagePath} is shorter than its index (changed since it was opened?)`);
      return buffer;
    } finally {
      await handle.close();
    }
  }

  private async readByStreaming(e: TarEntry): Promise<Uint8Array> {
    let content: Buffer | undefined;
    await readTarFile(
      this.imagePath,
      {
        onEntry: (m) => (m.offset === e.offset ? m.size : undefined),
        onContent: (_m, data) => (content = data),
      },
      { stopWhen: () => content !== undefined },
    );
    if (!content) throw new ImageReadError(`${e.path} was not found in ${this.imagePath} (changed since it was opened?)`);
    return content;
  }

  private remember(p: string, content: Uint8Array): void {
    if (content.length > CACHE_BYTES / 4) return;
    this.cache.set(p, content);
    this.cachedBytes += content.length;
    for (const [k, v] of this.cache) {
      if (this.cachedBytes <= CACHE_BYTES) break;
      this.cache.delete(k);
      this.cachedBytes -= v.length;
    }
  }
}
