/**
 * The GNU tar command line that writes a rootfs tree as a tar stream on stdout.
 */

/** tar's record size (the bench's original runs without it: tar's default, 10 KiB). */
export const RECORD_SIZE_ARG = '--record-size=64K';

/**
 * Arguments for `tar` to archive the whole of `sourceDir` (members named
 * `./...`, the root directory included so its owner and mode survive).
 *
 * Always: POSIX (pax) format, which is the one that can carry xattrs, ACLs
 * and nanosecond times; numeric owners only (the image's /etc/passwd is not
 * the host's); all xattr namespaces (`security.capability` holds file
 * capabilities); no atime/ctime records (meaningless in an image and they
 * would change on every read); pax header names without the process id.
 *
 * Records of 64 KiB instead of tar's default 10 KiB (RECORD_SIZE_ARG): tar
 * reads and writes a record per system call, and 200 MB of tree took 0.22 s
 * in 10 KiB records against 0.13 s in 64 KiB ones here (2 cores, warm cache;
 * 1 MiB records gained only 5 ms more). The members are the same bytes; only
 * the zero padding after the end-of-archive blocks differs (to a multiple of
 * 64 KiB instead of 10 KiB), which every tar reader skips.
 *
 * With `sourceDateEpoch`: members sorted by name and mtimes clamped to it, so
 * the same tree gives the same bytes whatever its readdir order or touch history.
 */
export function tarArguments(sourceDir: string, sourceDateEpoch?: number): string[] {
  const args = [
    '--create',
    '--file=-',
    `--directory=${sourceDir}`,
    RECORD_SIZE_ARG,
    '--format=posix',
    '--numeric-owner',
    '--acls',
    '--xattrs',
    '--xattrs-include=*',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
  ];
  if (sourceDateEpoch !== undefined) {
    if (!Number.isSafeInteger(sourceDateEpoch) || sourceDateEpoch < 0) {
      throw new Error(`SOURCE_DATE_EPOCH must be a whole number of seconds >= 0, got ${sourceDateEpoch}`);
    }
    args.push('--sort=name', `--mtime=@${sourceDateEpoch}`, '--clamp-mtime');
  }
  // `--` so a source directory can never be read as an option; `.` is relative to --directory.
  args.push('--', '.');
  return args;
}

/** The environment tar runs in: C locale so names sort and messages read the same everywhere. */
export function tarEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, LC_ALL: 'C' };
}
