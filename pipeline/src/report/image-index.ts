/**
 * A scanned image as the report and the checks ask about it: entries by
 * path, children of a directory, symlinks resolved inside the image, and
 * regular files as data (a hard-linked file once, under its first name in
 * path order, so a tar stream and a directory walk name it alike).
 */
import { parentPath, resolveInImage, type ImageEntry } from '../../../shared/image-entry';
import type { ImageScan } from './scan';

export interface DataFile {
  /** The first of its names in path order. */
  path: string;
  names: string[];
  /** The entry holding the data (mode, owner, capability). */
  entry: ImageEntry;
  bytes: number;
}

export class ImageIndex {
  readonly byPath = new Map<string, ImageEntry>();
  readonly children = new Map<string, string[]>();
  readonly dataFiles: DataFile[] = [];

  constructor(readonly scan: ImageScan) {
    // A later member of the same name replaces an earlier one, as on extraction.
    for (const e of scan.entries) this.byPath.set(e.path, e);
    for (const p of this.byPath.keys()) {
      if (p === '/') continue;
      const parent = parentPath(p);
      const list = this.children.get(parent);
      if (list) list.push(p);
      else this.children.set(parent, [p]);
    }
    const groups = new Map<string, string[]>();
    for (const e of this.byPath.values()) {
      if (e.type === 'file') groups.set(e.path, [e.path]);
    }
    for (const e of this.byPath.values()) {
      if (e.type === 'hardlink' && e.linkTarget !== undefined && this.byPath.get(e.linkTarget)?.type === 'file') {
        groups.get(e.linkTarget)!.push(e.path);
      }
    }
    for (const [holder, names] of groups) {
      names.sort(comparePaths);
      const entry = this.byPath.get(holder)!;
      this.dataFiles.push({ path: names[0]!, names, entry, bytes: entry.size });
    }
    this.dataFiles.sort((a, b) => comparePaths(a.path, b.path));
  }

  get(p: string): ImageEntry | undefined {
    return this.byPath.get(p);
  }

  /** What `p` is when the image runs (symlinks followed inside the image). */
  resolve(p: string): ImageEntry | undefined {
    return resolveInImage((q) => this.byPath.get(q), p);
  }

  childrenOf(dir: string): string[] {
    return this.children.get(dir) ?? [];
  }

  /** Every path below `dir` (not `dir` itself), without following links. */
  *below(dir: string): Generator<ImageEntry> {
    for (const child of this.childrenOf(dir)) {
      const e = this.byPath.get(child)!;
      yield e;
      if (e.type === 'directory') yield* this.below(child);
    }
  }

  /** The entry holding the data of a regular file's name (itself, or a hard link's target); undefined for anything else. */
  dataOf(e: ImageEntry): ImageEntry | undefined {
    if (e.type === 'file') return e;
    if (e.type === 'hardlink' && e.linkTarget !== undefined) {
      const target = this.byPath.get(e.linkTarget);
      return target?.type === 'file' ? target : undefined;
    }
    return undefined;
  }

  content(p: string): Buffer | undefined {
    return this.scan.contents.get(p);
  }
}

/** Code-unit order: the same order whichever source the names came from. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
