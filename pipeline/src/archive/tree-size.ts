/**
 * The number of content bytes tar will read from a tree: the apparent size of
 * its regular files, each hard-linked inode counted once (tar stores the
 * other names as links without data). This is the `total` of archive progress.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export async function treeContentBytes(root: string, signal?: AbortSignal): Promise<number> {
  const seenLinkedInodes = new Set<string>();
  let total = 0;

  async function visit(dir: string): Promise<void> {
    if (signal?.aborted) return;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return; // vanished or unreadable: tar reports it; progress is best effort
    }
    await Promise.all(
      entries.map(async (entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return visit(full);
        if (!entry.isFile()) return; // symlinks, devices, fifos: no content
        try {
          const st = await fs.lstat(full);
          if (st.nlink > 1) {
            const key = `${st.dev}:${st.ino}`;
            if (seenLinkedInodes.has(key)) return;
            seenLinkedInodes.add(key);
          }
          total += st.size;
        } catch {
          // vanished between readdir and lstat
        }
      }),
    );
  }

  await visit(root);
  return total;
}
