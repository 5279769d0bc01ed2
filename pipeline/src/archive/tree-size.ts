/**
 * Sizes of a tree, each hard-linked inode counted once:
 * - treeContentBytes: the apparent size of its regular files, the bytes tar
 *   will read (tar stores the other names of a hard link without data); the
 *   `total` of archive progress;
 * - treeDiskBytes: the blocks everything in it takes on disk (directories,
 *   links and holes included), what a copy of it costs (the install cache).
 */
import type { Stats } from 'node:fs';
import { walkStats } from '../../../shared/tree-walk';

/** Calls `count` once per inode below `root` (not `root` itself); vanished or unreadable entries are skipped. */
async function walkInodes(root: string, count: (st: Stats) => void, signal?: AbortSignal): Promise<void> {
  const seenLinkedInodes = new Set<string>();
  await walkStats(
    root,
    (st, _full, imagePath) => {
      if (imagePath === '/') return true;
      if (st.nlink > 1 && !st.isDirectory()) {
        const key = `${st.dev}:${st.ino}`;
        if (seenLinkedInodes.has(key)) return false;
        seenLinkedInodes.add(key);
      }
      count(st);
      return st.isDirectory();
    },
    signal,
  );
}

export async function treeContentBytes(root: string, signal?: AbortSignal): Promise<number> {
  let total = 0;
  await walkInodes(
    root,
    (st) => {
      if (st.isFile()) total += st.size;
    },
    signal,
  );
  return total;
}

export async function treeDiskBytes(root: string, signal?: AbortSignal): Promise<number> {
  let total = 0;
  await walkInodes(
    root,
    (st) => {
      total += st.blocks * 512;
    },
    signal,
  );
  return total;
}
