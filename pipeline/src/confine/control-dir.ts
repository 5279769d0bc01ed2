/**
 * The control directory of one container run, and the one place its layout
 * is defined. Root-only (0700) on the host, removed afterwards:
 *
 *   <dir>/in/   inputs (the driver script and common.bash, do_postinstall's
 *               definitions and line-mapped originals): bound read-only at
 *               CONTROL_MOUNT;
 *   <dir>/out/  outputs (the evaluation's description): each a regular
 *               file makeimg creates empty and binds alone, writable, at
 *               OUTPUT_MOUNT/<name>. The container can write into that file
 *               but cannot replace it (a mount point) nor reach the host's
 *               directory around it; the host still reads it as untrusted:
 *               without following links, only a regular file, size-capped.
 */
import { constants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IMAGE_FILE_NAME } from '../../../shared/contract';
import { runProcess, type LineSink, type ProcessOutcome } from '../../../shared/process';
import { deadOwnerWords, ownedEntries, ownerTag } from '../owner';
import { COMMON_FILE, COMMON_SCRIPT, type Driver } from './driver-scripts';
import { isNspawnNoise, nspawnArgv, uniqueMachineName, type Bind, type NspawnOptions } from './nspawn';

/** Where the inputs appear in a container (read-only). */
export const CONTROL_MOUNT = '/run/makeimg';
/** Where the outputs appear in a container (one writable file each). */
export const OUTPUT_MOUNT = '/run/makeimg-out';

/** Input files. */
export const DRIVER_FILE = 'driver.bash';
/** do_postinstall's captured `declare -p` / `declare -f` text. */
export const DEFINITIONS_FILE = 'definitions';
/** do_postinstall's line-mapped definitions (postinstall-lines.ts): named like image.sh, since bash shows its name. */
export const ORIGINALS_FILE = IMAGE_FILE_NAME;
export const ORIGINALS_PATH = `${CONTROL_MOUNT}/${ORIGINALS_FILE}`;

/** Output files. */
export type OutputName = 'description';
export function outputPath(name: OutputName): string {
  return `${OUTPUT_MOUNT}/${name}`;
}

/** The error for an output the host refuses to read. */
export class UntrustedOutputError extends Error {}

/** Control directories are `makeimg-<pid>-<start>-XXXXXX` in the temporary directory (owner.ts). */
const CONTROL_DIR_PREFIX = 'makeimg-';

/**
 * Removes the control directories of makeimg processes that are gone (killed
 * with SIGKILL, crashed); returns what it removed, in words. Only root's
 * directories, and only what a control directory holds (in/ and out/ with
 * files): anything else is left alone.
 */
export async function removeStaleControlDirs(): Promise<string[]> {
  const removed: string[] = [];
  for (const { path: dir, owner } of (await ownedEntries(os.tmpdir(), CONTROL_DIR_PREFIX)).dead) {
    try {
      const st = await fs.lstat(dir);
      if (!st.isDirectory() || st.uid !== process.getuid?.()) continue;
      for (const sub of ['in', 'out']) {
        const subdir = path.join(dir, sub);
        const sst = await fs.lstat(subdir).catch(() => undefined);
        if (!sst) continue;
        if (!sst.isDirectory()) throw new Error('not a control directory');
        for (const entry of await fs.readdir(subdir, { withFileTypes: true })) {
          if (!entry.isDirectory()) await fs.unlink(path.join(subdir, entry.name));
        }
        await fs.rmdir(subdir);
      }
      await fs.rmdir(dir);
      removed.push(`removed ${dir}, a control directory ${deadOwnerWords(owner)}`);
    } catch {
      // not ours to judge (changed meanwhile, or holds something else): leave it
    }
  }
  return removed;
}

export class ControlDir {
  private readonly outputs: OutputName[] = [];
  private constructor(private readonly root: string) {}

  /** A fresh control directory for `use`, removed afterwards whatever happens. */
  static async use<T>(use: (dir: ControlDir) => Promise<T>): Promise<T> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), `${CONTROL_DIR_PREFIX}${ownerTag()}-`));
    try {
      await fs.mkdir(path.join(root, 'in'), { mode: 0o700 });
      await fs.mkdir(path.join(root, 'out'), { mode: 0o700 });
      return await use(new ControlDir(root));
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  }

  async writeInput(name: string, text: string): Promise<void> {
    await fs.writeFile(path.join(this.root, 'in', name), text, { mode: 0o600, flag: 'wx' });
  }

  /** Creates the (empty) output file the container may write; read it back with readOutput. */
  async addOutput(name: OutputName): Promise<void> {
    await fs.writeFile(path.join(this.root, 'out', name), '', { mode: 0o600, flag: 'wx' });
    this.outputs.push(name);
  }

  /** The binds of this directory for nspawnArgv. */
  binds(): Bind[] {
    return [
      { host: path.join(this.root, 'in'), container: CONTROL_MOUNT, writable: false },
      ...this.outputs.map((name) => ({ host: path.join(this.root, 'out', name), container: outputPath(name), writable: true })),
    ];
  }

  /**
   * What the container wrote into an output: never through a link, only a
   * regular file, at most `maxBytes` (else UntrustedOutputError).
   */
  async readOutput(name: OutputName, maxBytes: number): Promise<Buffer> {
    const file = path.join(this.root, 'out', name);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (e) {
      throw new UntrustedOutputError(`the container's ${name} cannot be read: ${(e as NodeJS.ErrnoException).code}`);
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new UntrustedOutputError(`the container's ${name} is not a regular file`);
      if (st.size > maxBytes) throw new UntrustedOutputError(`the container's ${name} is larger than ${maxBytes} bytes`);
      const buffer = Buffer.alloc(st.size);
      const { bytesRead } = await handle.read(buffer, 0, st.size, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
}

/** The container of a driver run: everything nspawn needs but the machine name, binds and command, which runDriver sets. */
export type DriverContainer = Omit<NspawnOptions, 'machine' | 'command' | 'control'>;

/**
 * Writes the driver (with common.bash and its inputs) into the control
 * directory and runs it with bash in a container of its own (a fresh
 * machine name), its environment set by nspawn, nspawn's own chatter kept
 * out of `onLine`; `enter` wraps the command (held-dirs.ts MountHolder.enter).
 */
export async function runDriver(
  driver: Driver,
  control: ControlDir,
  container: DriverContainer,
  opts: { signal: AbortSignal; onLine: LineSink; enter?: (argv: string[]) => string[] },
): Promise<ProcessOutcome> {
  await control.writeInput(COMMON_FILE, COMMON_SCRIPT);
  await control.writeInput(DRIVER_FILE, driver.script);
  for (const [name, text] of Object.entries(driver.inputs)) await control.writeInput(name, text);
  const argv = nspawnArgv({
    ...container,
    env: { ...container.env, ...driver.env },
    control: control.binds(),
    machine: uniqueMachineName(),
    command: ['/bin/bash', `${CONTROL_MOUNT}/${DRIVER_FILE}`],
  });
  // `enter`: nspawn started inside the build's mount namespace (held-dirs.ts), where $img_dir is held.
  return runProcess(opts.enter ? opts.enter(argv) : argv, {
    signal: opts.signal,
    // SIGTERM to nspawn kills the container's PID 1 (--kill-signal=SIGKILL) and with it every process of
    // the container; if makeimg dies, nspawn gets SIGTERM too (SIGKILL would orphan the container).
    killGraceMs: 5000,
    deathSignal: 'SIGTERM',
    onLine: (stream, text) => (isNspawnNoise(text) ? undefined : opts.onLine(stream, text)),
  });
}
