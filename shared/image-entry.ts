/**
 * One member of an image, as a tar archive stores it and as a walk of a
 * directory image sees it: the build report, `makeimg inspect` and the
 * editor's image file system all read images as a list of these.
 */

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface ImageEntry {
  /** Absolute inside the image, normalised: `/`, `/etc`, `/etc/passwd` (no trailing slash, no `.`). */
  path: string;
  type: EntryType;
  /** Permission bits with setuid/setgid/sticky (`mode & 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
  /** Content bytes of a regular file; 0 for everything else (a hard link's data is its target's). */
  size: number;
  /** Seconds since 1970. */
  mtime: number;
  /** A symlink's target as stored; a hard link's target as a normalised image path. */
  linkTarget?: string;
  devMajor?: number;
  devMinor?: number;
  /** The raw `security.capability` xattr (file capabilities), when set. */
  capability?: Uint8Array;
}

/** `./etc/passwd`, `etc/passwd/`, `/etc//passwd` -> `/etc/passwd`; `./` and `.` -> `/`. */
export function normaliseEntryPath(name: string): string {
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return '/' + parts.join('/');
}

/** The parent of a normalised path (`/` for top-level entries and for `/` itself). */
export function parentPath(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** Follow symlinks inside the image (never outside it): how an image path resolves when the image runs. */
export function resolveInImage(lookup: (path: string) => ImageEntry | undefined, p: string, maxLinks = 40): ImageEntry | undefined {
  let links = 0;
  const resolveFrom = (dir: string, target: string): string | undefined => {
    const queue = (target.startsWith('/') ? target : `${dir}/${target}`).split('/');
    let current = '/';
    for (let i = 0; i < queue.length; i++) {
      const part = queue[i]!;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        current = parentPath(current);
        continue;
      }
      const next = current === '/' ? `/${part}` : `${current}/${part}`;
      const entry = lookup(next);
      if (!entry) return undefined;
      const last = i === queue.length - 1 || queue.slice(i + 1).every((q) => q === '' || q === '.');
      if (entry.type === 'symlink' && entry.linkTarget !== undefined) {
        if (++links > maxLinks) return undefined;
        const rest = queue.slice(i + 1).join('/');
        const resolved = resolveFrom(current, entry.linkTarget + (rest ? `/${rest}` : ''));
        return resolved;
      }
      if (!last && entry.type !== 'directory') return undefined;
      current = next;
    }
    return current;
  };
  const resolved = resolveFrom('/', p);
  if (resolved === undefined) return undefined;
  const entry = lookup(resolved);
  if (entry?.type === 'hardlink' && entry.linkTarget) return lookup(entry.linkTarget) ?? entry;
  return entry;
}
