/**
 * A private temporary directory for one container run: the generated driver
 * script goes in, reports (the image description, ERR-trap locations) come
 * out. Root-only (0700), removed afterwards.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DRIVER_FILE = 'driver.sh';
export const DESCRIPTION_FILE = 'description';

export async function withControlDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-'));
  try {
    return await use(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export async function writeDriver(dir: string, script: string): Promise<void> {
  await fs.writeFile(path.join(dir, DRIVER_FILE), script, { mode: 0o600 });
}
