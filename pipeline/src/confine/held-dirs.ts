/**
 * Directories held by descriptor, not by name (issue 10): a user who can
 * write img_dir_base (the invoking user, allowed to build by a polkit rule)
 * could rename $img_dir while root builds in it and put a link to /etc in
 * its place. So each directory the build writes in is opened and checked
 * once, then bind-mounted from that descriptor onto a path no user can
 * reach, in a private mount namespace of its own: a holder process
 * (`unshare --mount --propagation private`) that lives as long as the build
 * and dies with makeimg (setpriv --pdeathsig, shared/process.ts). From then
 * on the build uses only those paths: this process through the holder's
 * root (`/proc/<holder>/root/...`), systemd-nspawn entered into the
 * namespace with nsenter (nspawn resolves `/proc/...` paths to names
 * itself). A rename of the name afterwards changes nothing for the build.
 * Nothing is mounted in the host's namespace, so nothing is left behind,
 * even after SIGKILL.
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { runProcess, startProcess, type RunningProcess } from '../../../shared/process';

/** The mount point (on the host: an empty root-only directory) of the holder's private tmpfs. */
export const HOLD_ROOT = '/run/makeimg-build';

export interface HeldDir {
  /** The path the user knows, for messages. */
  real: string;
  /** Where it is mounted in the holder's namespace (for nspawn, entered there). */
  inside: string;
  /** Where this process reaches it (through the holder's root). */
  path: string;
  /** The directory itself: open as long as the build runs. */
  handle: fs.FileHandle;
}

/** Refused: the directory was replaced (or is not what it must be) before it could be held. */
export class NotHeldError extends Error {}

export class MountHolder {
  private readonly held: HeldDir[] = [];
  private constructor(
    private readonly holder: RunningProcess,
    readonly pid: number,
  ) {}

  /** Starts the holder with its private tmpfs at HOLD_ROOT; stop() it when the build is over. */
  static async start(): Promise<MountHolder> {
    await fs.mkdir(HOLD_ROOT, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    const st = await fs.lstat(HOLD_ROOT);
    if (!st.isDirectory() || st.uid !== 0) throw new Error(`${HOLD_ROOT} is not a directory of root's`);
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const script = [
      'set -e',
      `mount -t tmpfs -o mode=0700,nosuid,nodev,noexec,size=64k makeimg-build ${HOLD_ROOT}`,
      'echo ready',
      // Until makeimg closes stdin (stop) or dies (the death signal).
      'exec cat >/dev/null',
    ].join('\n');
    const proc = await startProcess(['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', script], {
      stdin: 'pipe',
      onLine: (stream, text) => {
        if (stream === 'stdout' && text === 'ready') ready();
      },
    });
    const started = await Promise.race([isReady.then(() => true), proc.done.then(() => false)]);
    if (!started || proc.pid === undefined) {
      const outcome = await proc.done;
      const why = 'stderr' in outcome ? outcome.stderr.trim() : outcome.reason;
      throw new Error(`cannot set up the private mount namespace of the build (unshare --mount): ${why}`);
    }
    return new MountHolder(proc, proc.pid);
  }

  /** A path of the holder's namespace, as this process reaches it. */
  reach(inside: string): string {
    return `/proc/${this.pid}/root${inside}`;
  }

  /** argv run inside the holder's mount namespace. */
  enter(argv: readonly string[]): string[] {
    return ['nsenter', `--target=${this.pid}`, '--mount', '--', ...argv];
  }

  /**
   * Opens the directory at `open` (a path of the holder's namespace; a link
   * in its last part is refused with `noFollow`), runs `check` on what was
   * opened, and binds that very directory at HOLD_ROOT/`name`: checked again
   * there by device and inode. `real` names it in messages.
   */
  async hold(open: string, real: string, name: string, opts: { noFollow: boolean; check: (st: Stats) => void }): Promise<HeldDir> {
    // Opened through the holder's root, so the descriptor belongs to its namespace (the old mount API binds only those).
    const flags = constants.O_RDONLY | constants.O_DIRECTORY | (opts.noFollow ? constants.O_NOFOLLOW : 0);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.reach(open), flags);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENOTDIR' || code === 'ENOENT') {
        throw new NotHeldError(`${real} was replaced while makeimg set it up (${code}): someone else changed it; the build stops`);
      }
      throw e;
    }
    try {
      const st = await handle.stat();
      opts.check(st);
      const inside = path.posix.join(HOLD_ROOT, name);
      await fs.mkdir(this.reach(inside), { mode: 0o700 });
      // `-c`: the kernel follows /proc/self/fd/0 to the open directory itself; mount(8) must not turn it into a name.
      const r = await runProcess(this.enter(['mount', '--bind', '-c', '/proc/self/fd/0', inside]), { stdin: handle.fd });
      if (r.kind !== 'ok') throw new Error(`cannot hold ${real} (mount --bind): ${'stderr' in r ? r.stderr.trim() : r.reason}`);
      const bound = await fs.stat(this.reach(inside));
      if (bound.dev !== st.dev || bound.ino !== st.ino) throw new NotHeldError(`${real} was replaced while makeimg set it up`);
      const held = { real, inside, path: this.reach(inside), handle };
      this.held.push(held);
      return held;
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  /** `text` with the held paths replaced by the real ones (for messages). */
  shown(text: string): string {
    let out = text;
    for (const h of this.held) out = out.split(h.path).join(h.real).split(h.inside).join(h.real);
    return out;
  }

  /** Ends the holder: its namespace, and the mounts in it, go with it. */
  async stop(): Promise<void> {
    for (const h of this.held.splice(0)) await h.handle.close().catch(() => undefined);
    this.holder.stdin?.end();
    await this.holder.done;
  }
}

/** True when `name` in the held directory `dir` is still the directory `held` (not renamed away or replaced). */
export async function isStillThere(dir: HeldDir, name: string, held: HeldDir): Promise<boolean> {
  const [st, own] = await Promise.all([fs.lstat(path.join(dir.path, name)).catch(() => undefined), held.handle.stat()]);
  return st !== undefined && st.isDirectory() && st.dev === own.dev && st.ino === own.ino;
}
