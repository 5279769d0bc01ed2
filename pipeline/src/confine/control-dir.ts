/**
 * A private temporary directory for one container run: the generated driver
 * script goes in, reports (the image description, ERR-trap locations) come
 * out. Root-only (0700), removed afterwards.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProcess, type LineSink, type ProcessOutcome } from '../../../shared/process';
import { deadOwnerWords, ownedEntries, ownerTag } from '../owner';
import { CONTROL_MOUNT, isNspawnNoise, nspawnArgv, uniqueMachineName, type NspawnOptions } from './nspawn';

const DRIVER_FILE = 'driver.sh';
export const DESCRIPTION_FILE = 'description';

/** Control directories are `makeimg-<pid>-<start>-XXXXXX` in the temporary directory (owner.ts). */
const CONTROL_DIR_PREFIX = 'makeimg-';

export async function withControlDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${CONTROL_DIR_PREFIX}${ownerTag()}-`));
  try {
    return await use(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Removes the control directories of makeimg processes that are gone (killed
 * with SIGKILL, crashed); returns what it removed, in words. Only root's
 * directories, and only their files: a control directory holds nothing else.
 */
export async function removeStaleControlDirs(): Promise<string[]> {
  const removed: string[] = [];
  for (const { path: dir, owner } of (await ownedEntries(os.tmpdir(), CONTROL_DIR_PREFIX)).dead) {
    try {
      const st = await fs.lstat(dir);
      if (!st.isDirectory() || st.uid !== process.getuid?.()) continue;
      for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) await fs.unlink(path.join(dir, entry.name));
      }
      await fs.rmdir(dir);
      removed.push(`removed ${dir}, a control directory ${deadOwnerWords(owner)}`);
    } catch {
      // not ours to judge (changed meanwhile, or holds a directory): leave it
    }
  }
  return removed;
}

/** The container of a driver run: everything nspawn needs but the machine name and command, which runDriver sets. */
export type DriverContainer = Omit<NspawnOptions, 'machine' | 'command'>;

/**
 * Writes `script` as the control directory's driver and runs it with bash
 * in a container of its own (a fresh machine name), nspawn's own chatter
 * kept out of `onLine`.
 */
export async function runDriver(
  script: string,
  container: DriverContainer,
  opts: { signal: AbortSignal; onLine: LineSink },
): Promise<ProcessOutcome> {
  await fs.writeFile(path.join(container.controlDir, DRIVER_FILE), script, { mode: 0o600 });
  const argv = nspawnArgv({
    ...container,
    machine: uniqueMachineName(),
    command: ['/bin/bash', `${CONTROL_MOUNT}/${DRIVER_FILE}`],
  });
  return runProcess(argv, {
    signal: opts.signal,
    // SIGTERM to nspawn kills the container's PID 1 (--kill-signal=SIGKILL) and with it every process of
    // the container; if makeimg dies, nspawn gets SIGTERM too (SIGKILL would orphan the container).
    killGraceMs: 5000,
    deathSignal: 'SIGTERM',
    onLine: (stream, text) => (isNspawnNoise(text) ? undefined : opts.onLine(stream, text)),
  });
}
