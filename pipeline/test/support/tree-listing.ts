/**
 * A listing of a tree with everything a rootfs copy must keep, one string
 * per path: type, mode (setuid included), owner, size, device number, mtime
 * in ns, hard-link group, content hash, link target, allocated blocks of
 * regular files (holes), and every extended attribute (ACLs and file
 * capabilities are xattrs). Two trees are the same when their listings are.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** `getfattr -R` once for the whole tree: path (relative) -> "name=value ..." */
function xattrs(root: string): Map<string, string> {
  const out = execFileSync('getfattr', ['-R', '-d', '-h', '-m', '-', '-e', 'hex', '.'], { cwd: root, maxBuffer: 1 << 28 }).toString();
  const map = new Map<string, string>();
  for (const block of out.split('\n\n')) {
    const lines = block.split('\n').filter(Boolean);
    const head = lines.shift();
    if (!head?.startsWith('# file: ')) continue;
    map.set(path.normalize(head.slice('# file: '.length)), lines.sort().join(' '));
  }
  return map;
}

export async function treeListing(root: string): Promise<Map<string, string>> {
  const attrs = xattrs(root);
  const linkGroups = new Map<bigint, string>();
  const listing = new Map<string, string>();
  async function visit(rel: string): Promise<void> {
    const full = path.join(root, rel);
    const st = await fs.lstat(full, { bigint: true });
    const fields = [`mode=${st.mode.toString(8)}`, `owner=${st.uid}:${st.gid}`, `mtime=${st.mtimeNs}`];
    if (st.isFile()) {
      fields.push(
        `size=${st.size}`,
        `blocks=${st.blocks}`,
        `sha256=${createHash('sha256')
          .update(await fs.readFile(full))
          .digest('hex')}`,
      );
      if (st.nlink > 1n) {
        if (!linkGroups.has(st.ino)) linkGroups.set(st.ino, rel);
        fields.push(`links=${st.nlink} group=${linkGroups.get(st.ino)}`);
      }
    } else if (st.isSymbolicLink()) fields.push(`target=${await fs.readlink(full)}`);
    else if (st.isCharacterDevice() || st.isBlockDevice()) fields.push(`rdev=${st.rdev}`);
    fields.push(`xattrs=${attrs.get(rel) ?? ''}`);
    listing.set(rel, fields.join(' '));
    if (st.isDirectory()) for (const name of (await fs.readdir(full)).sort()) await visit(path.join(rel, name));
  }
  await visit('.');
  return listing;
}

/** Paths whose listing differs (or that only one tree has). */
export function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths].filter((p) => a.get(p) !== b.get(p)).sort();
}
