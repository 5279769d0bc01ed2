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
import * as os from 'node:os';
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
  // Multi-threaded mode, whose output does not depend on the thread count (xz >= 5.4); the
  // count itself is chosen per run (xzThreads), -T0 is only the placeholder.
  xz: ['-T0', '-c'],
  // Any -T >= 1 gives the same frames; only --single-thread would differ.
  zstd: ['-T0', '-q', '-c'],
};

/**
 * xz's threads: the cores that are idle now (cores minus the 1-minute load
 * average), at least one, as `-T+1` for one (still multi-threaded mode, so
 * the bytes are the same as with any other count). Measured on 2 busy cores
 * (load 20+, 40 MB of tar, xz 5.4.1): one thread in single-threaded mode
 * 211 s wall / 32.8 s CPU / 97 MB RSS, two threads 289-311 s / 35-36 s /
 * 247 MB (runs one after the other while the load rose, so the wall times
 * are only indicative; the CPU times are not). With the kernel's autogroup
 * scheduling a busy machine gives the build's session a fixed share of the
 * cores whatever its thread count, so a second thread only adds its cost
 * (CPU, twice the memory and cache working set); on idle cores it halves
 * the time.
 */
export function xzThreads(cores = os.cpus().length, load = os.loadavg()[0] ?? 0): string {
  const idle = Math.max(1, Math.min(cores, Math.round(cores - load)));
  return idle === 1 ? '+1' : String(idle);
}

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
    if (program && args)
      return { name, program, args: name === 'xz' ? args.map((a) => (a === '-T0' ? `-T${xzThreads()}` : a)) : [...args] };
  }
  throw new Error(`no compressor for ${kind.suffix.suffix} found on PATH: install one of ${names.join(', ')}`);
}
