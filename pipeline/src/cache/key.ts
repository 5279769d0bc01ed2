/**
 * The install cache's key: everything the install stage reads that makeimg
 * can see, hashed.
 *   - makeimg's version;
 *   - the project directory ($src_dir, do_install's working directory);
 *   - SOURCE_DATE_EPOCH, which the hooks get;
 *   - `declare -f` of do_install and of every function it may call
 *     (install-functions.ts), as evaluated inside the confinement;
 *   - `declare -p` of every top-level variable image.sh sets, as evaluated;
 *   - the preinstall pairs and the content of every preinstall source
 *     (directories followed recursively: names, types, modes, owners,
 *     contents, link targets).
 * Not in it (docs/cache.md): what do_install fetches from the network or
 * reads from the host or from $src_dir other than the preinstall sources;
 * img_name, $img_dir and $img_path (the same project built into another
 * img_dir_base or format reuses the install).
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ImageDescription } from '../stages/evaluate';
import { installFunctions } from './install-functions';

export interface KeyInputs {
  version: string;
  srcDir: string;
  sourceDateEpoch?: number;
  description: ImageDescription;
  /** The preinstall pairs, as evaluated. */
  preinstall: { src: string; dst: string }[];
}

/** The key: 32 hex digits (128 bits of SHA-256). */
export async function cacheKey(i: KeyInputs): Promise<string> {
  const h = createHash('sha256');
  const field = (name: string, value: string): void => {
    // Length-prefixed, so no two different inputs concatenate to the same bytes.
    h.update(`${name}:${Buffer.byteLength(value)}:`);
    h.update(value);
  };
  field('version', i.version);
  field('src_dir', i.srcDir);
  field('source_date_epoch', i.sourceDateEpoch === undefined ? '' : String(i.sourceDateEpoch));
  for (const name of installFunctions(i.description)) field(`function ${name}`, i.description.functions[name]!);
  for (const name of Object.keys(i.description.variables).sort()) field(`variable ${name}`, i.description.variables[name]!);
  for (const pair of i.preinstall) {
    field('preinstall', `${pair.src}\0${pair.dst}`);
    await hashSource(h, path.resolve(i.srcDir, pair.src));
  }
  return h.digest('hex').slice(0, 32);
}

/** Hash what the preinstall copy of `file` reads: type, mode, owner, content, link target; directories recursively in name order. */
async function hashSource(h: Hash, file: string): Promise<void> {
  let st;
  try {
    st = await fs.stat(file); // the copy follows the source path itself (resolveSource)
  } catch {
    h.update('missing\0');
    return;
  }
  await hashEntry(h, file, st, '');
}

async function hashEntry(h: Hash, file: string, st: import('node:fs').Stats, rel: string): Promise<void> {
  h.update(`${rel}\0${st.mode}\0${st.uid}\0${st.gid}\0`);
  if (st.isSymbolicLink()) {
    h.update(`link\0${await fs.readlink(file)}\0`);
  } else if (st.isFile()) {
    h.update(`file\0${st.size}\0`);
    for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  } else if (st.isDirectory()) {
    const names = (await fs.readdir(file)).sort();
    h.update(`dir\0${names.length}\0`);
    for (const name of names) {
      const child = path.join(file, name);
      await hashEntry(h, child, await fs.lstat(child), `${rel}/${name}`);
    }
  } else {
    h.update(`special\0${st.rdev}\0`);
  }
}
