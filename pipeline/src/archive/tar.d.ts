/**
 * The GNU tar command line that writes a rootfs tree as a tar stream on stdout.
 */
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
 * With `sourceDateEpoch`: members sorted by name and mtimes clamped to it, so
 * the same tree gives the same bytes whatever its readdir order or touch history.
 */
export declare function tarArguments(sourceDir: string, sourceDateEpoch?: number): string[];
/** The environment tar runs in: C locale so names sort and messages read the same everywhere. */
export declare function tarEnvironment(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
