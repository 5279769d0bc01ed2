/**
 * Where the archive is written while it grows, and how it is moved into
 * place: never over an existing file, never half-written.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ownerTag } from '../owner';
import { pathExists } from '../paths';

/** Temporary archives are `.<name>.partial-<pid>-<start>-<random>` beside the final path (owner.ts). */
export function temporaryPrefix(name: string): string {
  return `.${name}.partial-`;
}

/** A hidden temporary name in the output's own directory, so the final rename stays on one filesystem. */
export function temporaryPathFor(outputPath: string): string {
  const dir = path.dirname(outputPath);
  const name = path.basename(outputPath);
  return path.join(dir, `${temporaryPrefix(name)}${ownerTag()}-${randomBytes(3).toString('hex')}`);
}

export class OutputExistsError extends Error {
  constructor(readonly outputPath: string) {
    super(`${outputPath} already exists; makeimg never overwrites an image (remove or rename it first)`);
    this.name = 'OutputExistsError';
  }
}

/** Link errors that mean "this filesystem has no hard links", not "the target exists". */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/**
 * Give the finished temporary file its final name without ever replacing an
 * existing file: link(2) fails atomically with EEXIST, unlike rename(2).
 * On filesystems without hard links, check right before rename instead.
 */
export async function publishWithoutOverwrite(temporaryPath: string, outputPath: string): Promise<void> {
  try {
    await fs.link(temporaryPath, outputPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw new OutputExistsError(outputPath);
    if (!NO_HARD_LINKS.has(code)) throw e;
    if (await pathExists(outputPath)) throw new OutputExistsError(outputPath);
    await fs.rename(temporaryPath, outputPath);
    return;
  }
  await fs.unlink(temporaryPath);
}
