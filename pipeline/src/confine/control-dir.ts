/**
 * A private temporary directory for one container run: the generated driver
 * script goes in, reports (the image description, ERR-trap locations) come
 * out. Root-only (0700), removed afterwards.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runChild, type ChildResult, type Stream } from '../child-process';
import { CONTROL_MOUNT, isNspawnNoise, nspawnArgv, uniqueMachineName, type NspawnOptions } from './nspawn';

const DRIVER_FILE = 'driver.sh';
export const DESCRIPTION_FILE = 'description';

export async function withControlDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-'));
  try {
    return await use(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
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
  opts: { signal: AbortSignal; onLine: (stream: Stream, text: string) => void },
): Promise<ChildResult> {
  await fs.writeFile(path.join(container.controlDir, DRIVER_FILE), script, { mode: 0o600 });
  const argv = nspawnArgv({
    ...container,
    machine: uniqueMachineName(),
    command: ['/bin/bash', `${CONTROL_MOUNT}/${DRIVER_FILE}`],
  });
  return runChild(argv, {
    signal: opts.signal,
    onLine: (stream, text) => {
      if (!isNspawnNoise(text)) opts.onLine(stream, text);
    },
  });
}
