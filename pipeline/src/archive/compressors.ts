/**
 * Which compressor program an image suffix uses, and with which flags.
 *
 * The suffix -> programs mapping lives in the contract (IMAGE_SUFFIXES); this
 * module only knows each program's command line. Every command reads the tar
 * stream on stdin and writes to stdout, stores no file name or timestamp, and
 * produces the same bytes whatever the number of threads (verified for the
 * versions in Debian 12: pigz 2.6, xz 5.4, zstd 1.5, lbzip2 2.5, pbzip2 1.1),
 * so SOURCE_DATE_EPOCH builds are byte-identical on any core count.
 */
import * as path from 'node:path';
import { classifyImageName, IMAGE_SUFFIXES } from '../../../shared/contract';
import { findOnPath } from '../../../shared/find-on-path';

export { findOnPath };

export interface CompressorCommand {
  /** Program name as listed in the contract, e.g. 'pigz'. */
  name: string;
  /** Absolute path found on PATH. */
  program: string;
  args: string[];
}

/** Flags per program: stdout output, quiet, no name/timestamp in the header, all cores. */
export const COMPRESSOR_ARGS: Readonly<Record<string, readonly string[]>> = {
  // -n: no file name or mtime in the gzip header (reproducible bytes).
  pigz: ['-n', '-c'],
  gzip: ['-n', '-c'],
  lbzip2: ['-c'],
  pbzip2: ['-c'],
  bzip2: ['-c'],
  // Multi-threaded mode on all cores, whose output does not depend on the thread count (xz >= 5.4;
  // one core still gets multi-threaded mode). It was the idle cores once (cores minus the load
  // average), but a build's own install and postinstall raise that load just before the archive:
  // on 2 cores xz then ran one thread, as slow as the original's single-threaded xz (126 s for
  // 200 MB). xz lowers the count itself when the threads would exceed its memory limit.
  xz: ['-T0', '-c'],
  // Any -T >= 1 gives the same frames; only --single-thread would differ.
  zstd: ['-T0', '-q', '-c'],
};

/**
 * The compressor for an image path, chosen by its suffix: undefined for a
 * plain `.tar`. Throws a clear Error for a name that is not a supported
 * archive or when none of the suffix's programs is installed.
 */
export function compressorFor(imagePath: string, searchPath = process.env.PATH ?? ''): CompressorCommand | undefined {
  const kind = classifyImageName(path.basename(imagePath));
  if (kind.kind !== 'archive') {
    const supported = IMAGE_SUFFIXES.map((s) => s.suffix).join(', ');
    throw new Error(`${imagePath} does not end in a supported archive suffix (${supported})`);
  }
  const names = kind.suffix.compressors;
  if (names.length === 0) return undefined;
  for (const name of names) {
    const program = findOnPath(name, searchPath);
    const args = COMPRESSOR_ARGS[name];
    if (program && args) return { name, program, args: [...args] };
  }
  throw new Error(`no compressor for ${kind.suffix.suffix} found on PATH: install one of ${names.join(', ')}`);
}
