/**
 * The install cache on disk (default /var/cache/makeimg, root-owned, 0700):
 *
 *   entries/KEY/tree/        the $img_dir do_install left, copied with cp -a
 *   entries/KEY/entry.json   EntryMeta
 *   tmp/NAME.PID.RANDOM/     an entry being written (renamed into entries/ when complete)
 *   locks/KEY                "PID STARTTIME" of the build that holds the key
 *
 * An entry appears only by rename(2) of a complete temporary directory, so
 * a save that is cancelled, killed or out of space leaves nothing a later
 * build could use (temporaries of dead processes are removed on open). Every
 * read or change of an entry holds its key's lock (restore, save, eviction).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runProcess } from '../../../shared/process';
import { CancelledError, describeEnd } from '../errors';
import { treeDiskBytes } from '../archive/tree-size';

export const DEFAULT_CACHE_DIR = '/var/cache/makeimg';
/** Default size limit: 10 GiB, enforced after each build by evicting the least recently used entries. */
export const DEFAULT_CACHE_LIMIT = 10 * 1024 ** 3;

export interface EntryMeta {
  key: string;
  /** image.sh the entry was built from. */
  imageFile: string;
  version: string;
  /** ms since 1970. */
  created: number;
  lastUsed: number;
  /** Disk usage of the tree. */
  bytes: number;
}

/** A problem with the cache itself: the build goes on without it and says why. */
export class CacheUnusableError extends Error {}

const KEY_PATTERN = /^[0-9a-f]{32}$/;

function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name (which may contain spaces).
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** "PID STARTTIME" of a process that is still the same process. */
function isAlive(owner: string): boolean {
  const [pid, start] = owner.trim().split(' ');
  return Boolean(pid && /^\d+$/.test(pid) && processStartTime(Number(pid)) === start);
}

const OWNER = `${process.pid} ${processStartTime(process.pid)}`;

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** cp -a: owners, modes, hard links, xattrs (ACLs, capabilities), devices, fifos, sockets, holes, times; extents shared where the file system can. */
async function copyTree(from: string, to: string, signal: AbortSignal): Promise<void> {
  const r = await runProcess(['cp', '-a', '--reflink=auto', '--sparse=auto', from, to], { signal });
  if (r.kind === 'cancelled') throw new CancelledError('while copying the install cache');
  if (r.kind !== 'ok') {
    const stderr = r.kind === 'unavailable' ? '' : r.stderr;
    throw new Error(stderr.split('\n').slice(0, 3).join('; ') || `cp failed (${describeEnd(r)})`);
  }
}

/**
 * Every existing directory from / down to `dir` is a real directory (no
 * symlink), owned by root, and not writable by others unless sticky (/tmp:
 * others cannot rename root's entries there).
 */
async function checkRootOnlyPath(dir: string): Promise<void> {
  let current = '/';
  for (const part of ['', ...dir.split('/').filter(Boolean)]) {
    current = path.join(current, part);
    let st;
    try {
      st = await fs.lstat(current);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // created below, by root
      throw e;
    }
    if (!st.isDirectory()) throw new CacheUnusableError(`${current} is not a directory (a symbolic link?)`);
    const sticky = (st.mode & 0o1000) !== 0;
    if (st.uid !== 0 || ((st.mode & 0o022) !== 0 && !sticky)) {
      throw new CacheUnusableError(`${current} can be changed by a user other than root: the cache must be on a path only root can change`);
    }
  }
}

export class CacheStore {
  private constructor(readonly dir: string) {}

  /**
   * Opens (creating it root-owned 0700) the cache directory. Refuses one
   * that is not a directory owned by root and closed to others: whatever is
   * in it ends up in images (and a configured path such as /etc is not
   * filled with cache folders). Every directory above it must be one that
   * only root can change, or a user could swap the cache for a link to
   * root's files between the checks and a restore.
   */
  static async open(dir: string): Promise<CacheStore> {
    dir = path.resolve(dir);
    await checkRootOnlyPath(path.dirname(dir));
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const st = await fs.lstat(dir);
    if (!st.isDirectory()) throw new CacheUnusableError(`${dir} is not a directory`);
    if (st.uid !== 0 || (st.mode & 0o077) !== 0) {
      throw new CacheUnusableError(`${dir} must be a directory owned by root with mode 0700`);
    }
    const store = new CacheStore(dir);
    for (const sub of ['entries', 'tmp', 'locks']) await fs.mkdir(path.join(dir, sub), { recursive: true, mode: 0o700 });
    await store.removeDeadTemporaries();
    return store;
  }

  private entryDir(key: string): string {
    return path.join(this.dir, 'entries', key);
  }

  private async readMeta(key: string): Promise<EntryMeta | undefined> {
    try {
      const meta = JSON.parse(await fs.readFile(path.join(this.entryDir(key), 'entry.json'), 'utf8')) as EntryMeta;
      return meta.key === key ? meta : undefined;
    } catch {
      return undefined;
    }
  }

  async lookup(key: string): Promise<EntryMeta | undefined> {
    return this.readMeta(key);
  }

  async list(): Promise<EntryMeta[]> {
    const keys = (await fs.readdir(path.join(this.dir, 'entries'))).filter((k) => KEY_PATTERN.test(k));
    const metas = await Promise.all(keys.map((k) => this.readMeta(k)));
    return metas.filter((m): m is EntryMeta => m !== undefined);
  }

  /**
   * Takes the key's lock. `wait`: poll until it is free (onWait is told who
   * holds it, once); otherwise give up at once. Returns the release
   * function, or the holder's pid when not taken. A lock whose holder died
   * is taken over.
   */
  async lock(
    key: string,
    o: { wait: boolean; signal: AbortSignal; onWait?: (pid: number) => void },
  ): Promise<{ release: () => Promise<void> } | { heldBy: number }> {
    const file = path.join(this.dir, 'locks', key);
    let told = false;
    for (;;) {
      try {
        await fs.writeFile(file, OWNER, { flag: 'wx', mode: 0o600 });
        let released = false;
        // Once only: a second removal could remove the lock of the build that took it next.
        return {
          release: async () => {
            if (released) return;
            released = true;
            await fs.rm(file, { force: true });
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = await fs.readFile(file, 'utf8').catch(() => '');
      if (owner === '') continue; // released (or being written) meanwhile
      if (!isAlive(owner)) {
        // Move the stale lock aside first, so two builds taking it over do not remove each other's.
        const aside = `${file}.stale.${process.pid}`;
        await fs.rename(file, aside).then(
          () => fs.rm(aside, { force: true }),
          () => undefined,
        );
        continue;
      }
      const pid = Number(owner.split(' ')[0]);
      if (!o.wait) return { heldBy: pid };
      if (!told) o.onWait?.(pid);
      told = true;
      await sleep(200, o.signal);
      if (o.signal.aborted) throw new CancelledError('while waiting for the install cache');
    }
  }

  /** Copies the entry's tree onto `imgDir` (its own attributes included) and marks it used. Hold the key's lock. */
  async restore(meta: EntryMeta, imgDir: string, signal: AbortSignal): Promise<void> {
    // "tree/." (not path.join, which drops the dot): the contents and tree's own attributes onto imgDir.
    await copyTree(`${path.join(this.entryDir(meta.key), 'tree')}/.`, imgDir, signal);
    await this.writeMeta(this.entryDir(meta.key), { ...meta, lastUsed: Date.now() });
  }

  private async writeMeta(entryDir: string, meta: EntryMeta): Promise<void> {
    const tmp = path.join(entryDir, `entry.json.${process.pid}`);
    await fs.writeFile(tmp, JSON.stringify(meta) + '\n', { mode: 0o600 });
    await fs.rename(tmp, path.join(entryDir, 'entry.json'));
  }

  /**
   * Saves `imgDir` as the entry `key` (replacing an existing one), written
   * under a temporary name and renamed when complete. Hold the key's lock.
   * On any failure the temporary copy is removed and the error thrown.
   */
  async save(key: string, imgDir: string, info: Pick<EntryMeta, 'imageFile' | 'version'>, signal: AbortSignal): Promise<EntryMeta> {
    const tmp = path.join(this.dir, 'tmp', `${key}.${process.pid}.${randomBytes(4).toString('hex')}`);
    try {
      await fs.mkdir(tmp, { mode: 0o700 });
      await copyTree(imgDir, path.join(tmp, 'tree'), signal);
      const now = Date.now();
      const meta: EntryMeta = { key, ...info, created: now, lastUsed: now, bytes: await treeDiskBytes(path.join(tmp, 'tree')) };
      await this.writeMeta(tmp, meta);
      await this.remove(key);
      await fs.rename(tmp, this.entryDir(key));
      return meta;
    } catch (e) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  /** Removes an entry: renamed away first (atomic), then deleted. Hold the key's lock. */
  async remove(key: string): Promise<void> {
    const aside = path.join(this.dir, 'tmp', `removed-${key}.${process.pid}.${randomBytes(4).toString('hex')}`);
    try {
      await fs.rename(this.entryDir(key), aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    await fs.rm(aside, { recursive: true, force: true });
  }

  /**
   * Removes entries, least recently used first, while `keep` says so
   * (given the entry and the bytes the cache holds). Entries another build
   * holds are left alone. Returns the removed ones.
   */
  async evict(keep: (m: EntryMeta, totalBytes: number) => boolean, signal: AbortSignal): Promise<EntryMeta[]> {
    const entries = (await this.list()).sort((a, b) => a.lastUsed - b.lastUsed);
    let total = entries.reduce((n, m) => n + m.bytes, 0);
    const removed: EntryMeta[] = [];
    for (const m of entries) {
      if (keep(m, total)) continue;
      const held = await this.lock(m.key, { wait: false, signal });
      if (!('release' in held)) continue;
      try {
        await this.remove(m.key);
      } finally {
        await held.release();
      }
      total -= m.bytes;
      removed.push(m);
    }
    return removed;
  }

  /** Temporaries of processes that are gone: a save or removal that was killed. */
  private async removeDeadTemporaries(): Promise<void> {
    const tmp = path.join(this.dir, 'tmp');
    for (const name of await fs.readdir(tmp)) {
      const pid = /\.(\d+)\.[0-9a-f]+$/.exec(name)?.[1];
      if (pid && processStartTime(Number(pid)) !== undefined) continue;
      await fs.rm(path.join(tmp, name), { recursive: true, force: true });
    }
  }
}
