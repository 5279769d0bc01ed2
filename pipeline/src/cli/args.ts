/**
 * makeimg's command line:
 *   makeimg [build] [--json] [--directory DIR] [--source-date-epoch N] [img_dir_base]
 *   makeimg check [--json] [--directory DIR] [img_dir_base]
 *   makeimg lint FILE...
 *   makeimg fmt [-w|--check] FILE...
 *   makeimg cache list | cache clean [--all | --older-than D | --keep-size SIZE] [--cache-dir DIR]
 *   makeimg --help | --version
 */
import { CACHE_DIR_KEY, CONFIG_FILE, DEFAULT_IMG_DIR_BASE, DO_INSTALL, IMAGE_FILE_NAME, IMG_DIR_BASE_KEY, SRC_DIR } from '../../../shared/contract';
import { parseDuration, parseSize } from '../cache/age';
import { DEFAULT_CACHE_DIR } from '../cache/store';

export type Command = 'build' | 'check' | 'lint' | 'fmt' | 'inspect' | 'cache' | 'shell' | 'help' | 'version';

/** What `makeimg cache clean` removes: everything, entries older than D, or the least recently used beyond SIZE. */
export interface CleanOptions {
  all?: true;
  olderThanMs?: number;
  keepBytes?: number;
}

export interface CliArgs {
  command: Command;
  json: boolean;
  directory?: string;
  imgDirBase?: string;
  sourceDateEpoch?: number;
  /** Fail on image hygiene findings (build, inspect). */
  strict: boolean;
  /** Arguments of `makeimg lint` and `makeimg fmt`. */
  files: string[];
  /** The image of `makeimg inspect` and `makeimg shell`. */
  image?: string;
  /** --no-cache: run do_install and refresh its cache entry. */
  noCache?: true;
  cacheMaxAgeMs?: number;
  cacheDir?: string;
  /** `makeimg cache list|clean`. */
  cacheAction?: 'list' | 'clean';
  clean?: CleanOptions;
  /** `makeimg shell --boot`. */
  boot: boolean;
  /** `makeimg shell IMAGE -- COMMAND...`. */
  shellCommand: string[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage: makeimg [build] [options] [${IMG_DIR_BASE_KEY}]
       makeimg check [options] [${IMG_DIR_BASE_KEY}]
       makeimg lint FILE...
       makeimg fmt [-w | --check] FILE...
       makeimg inspect [--json] [--strict] IMAGE
       makeimg cache list | clean [--all | --older-than D | --keep-size SIZE]
       makeimg shell [--boot] [IMAGE] [-- COMMAND...]

Builds the rootfs image described by ${IMAGE_FILE_NAME} in the current directory
(\$${SRC_DIR}) into ${IMG_DIR_BASE_KEY} (default ${DEFAULT_IMG_DIR_BASE}, or ${IMG_DIR_BASE_KEY}= in
~/${CONFIG_FILE} of the invoking user). Must run as root.

commands:
  build                  build the image (the default)
  check                  validate ${IMAGE_FILE_NAME} and print the resolved paths, without building
  lint FILE...           check ${IMAGE_FILE_NAME} files statically (no root needed)
  fmt FILE...            format ${IMAGE_FILE_NAME} files with shfmt's rules (makeimg fmt --help)
  inspect IMAGE          the build report of an existing image (.tar* or directory; no root needed)
  cache list             the install cache's entries: key, ${IMAGE_FILE_NAME}, size, age, last use
  cache clean            remove entries: --all, --older-than D (e.g. 7d), --keep-size SIZE
                         (e.g. 5G: least recently used out first)
  shell [IMAGE]          a shell (or COMMAND) inside the image (default: this project's), in systemd-nspawn;
                         nothing is written to the image; --boot boots its init

options:
  --json                 machine-readable events on stdout, one JSON object per line;
                         closing stdin cancels the build
  -C, --directory DIR    the project directory (default: the current directory)
  --source-date-epoch N  reproducible archive (default: \$SOURCE_DATE_EPOCH)
  --strict               fail (exit 1) when the image has hygiene findings (MKIMG1xx)
  --no-cache             run ${DO_INSTALL} even if the install cache has it, and refresh the entry
  --cache-max-age D      treat cache entries older than D (90s, 30m, 12h, 7d) as stale
  --cache-dir DIR        the install cache (default ${DEFAULT_CACHE_DIR}, or ${CACHE_DIR_KEY}= in
                         ~/${CONFIG_FILE}); root-owned, mode 0700, 10 GiB at most

install cache: the install stage (preinstall copies + ${DO_INSTALL}) is reused when its
key is unchanged: makeimg's version, the paths, SOURCE_DATE_EPOCH, ${DO_INSTALL} and every
function it may call, image.sh's top-level variables, the preinstall files' content.
What ${DO_INSTALL} downloads or reads elsewhere is NOT in the key: use --no-cache or
--cache-max-age to pick up new packages.
  -h, --help             show this help
  -V, --version          show the version

exit status: 0 built, 1 a stage failed, 2 invalid input or environment, 130 cancelled
`;

function epoch(value: string, from: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${from} must be a number of seconds since 1970, got ${JSON.stringify(value)}`);
  return Number(value);
}

function duration(value: string, from: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`${from} must be a duration such as 90s, 30m, 12h or 7d, got ${JSON.stringify(value)}`);
  return ms;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = {}): CliArgs {
  const args: CliArgs = { command: 'build', json: false, strict: false, files: [], boot: false, shellCommand: [] };
  let rest = argv;
  const first = rest[0];
  if (first === 'build' || first === 'check' || first === 'lint' || first === 'fmt' || first === 'inspect' || first === 'cache' || first === 'shell') {
    args.command = first;
    rest = rest.slice(1);
  }
  if (args.command === 'lint' || args.command === 'fmt') {
    args.files = rest;
    return args;
  }
  if (args.command === 'cache') {
    const action = rest[0];
    if (action !== 'list' && action !== 'clean') throw new UsageError(`makeimg cache needs list or clean, got ${JSON.stringify(action ?? '')}`);
    args.cacheAction = action;
    rest = rest.slice(1);
  }
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = (name: string): string => {
      const eq = a.indexOf('=');
      if (eq > 0) return a.slice(eq + 1);
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (a === '--') {
      if (args.command === 'shell') args.shellCommand = rest.slice(i + 1);
      else positional.push(...rest.slice(i + 1));
      break;
    } else if (a === '-h' || a === '--help') args.command = 'help';
    else if (a === '-V' || a === '--version') args.command = 'version';
    else if (a === '--json') args.json = true;
    else if (a === '--strict') args.strict = true;
    else if (a === '--boot' && args.command === 'shell') args.boot = true;
    else if (a === '-C' || a === '--directory' || a.startsWith('--directory=')) args.directory = value('--directory');
    else if (a === '--source-date-epoch' || a.startsWith('--source-date-epoch=')) {
      args.sourceDateEpoch = epoch(value('--source-date-epoch'), '--source-date-epoch');
    } else if (a === '--no-cache') args.noCache = true;
    else if (a === '--cache-dir' || a.startsWith('--cache-dir=')) args.cacheDir = value('--cache-dir');
    else if (a === '--cache-max-age' || a.startsWith('--cache-max-age=')) args.cacheMaxAgeMs = duration(value('--cache-max-age'), '--cache-max-age');
    else if (args.cacheAction === 'clean' && a === '--all') args.clean = { ...args.clean, all: true };
    else if (args.cacheAction === 'clean' && (a === '--older-than' || a.startsWith('--older-than='))) {
      args.clean = { ...args.clean, olderThanMs: duration(value('--older-than'), '--older-than') };
    } else if (args.cacheAction === 'clean' && (a === '--keep-size' || a.startsWith('--keep-size='))) {
      const v = value('--keep-size');
      const bytes = parseSize(v);
      if (bytes === undefined) throw new UsageError(`--keep-size must be a size such as 5G or 500M, got ${JSON.stringify(v)}`);
      args.clean = { ...args.clean, keepBytes: bytes };
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  if (args.command === 'inspect') {
    if (positional.length !== 1) throw new UsageError('inspect takes one IMAGE (a .tar* file or a directory image)');
    args.image = positional[0];
    return args;
  }
  if (args.command === 'shell') {
    if (positional.length > 1) throw new UsageError('shell takes at most one IMAGE; put a command after --');
    if (args.boot && args.shellCommand.length > 0) throw new UsageError('shell --boot runs the image\'s init, not a command');
    args.image = positional[0];
    return args;
  }
  if (args.command === 'cache') {
    if (positional.length > 0) throw new UsageError(`makeimg cache ${args.cacheAction} takes no arguments: ${positional.join(' ')}`);
    if (args.cacheAction === 'clean' && !args.clean) throw new UsageError('makeimg cache clean needs --all, --older-than D or --keep-size SIZE');
    return args;
  }
  if (positional.length > 1) throw new UsageError(`too many arguments: ${positional.join(' ')} (expected at most ${IMG_DIR_BASE_KEY})`);
  args.imgDirBase = positional[0];
  if (args.sourceDateEpoch === undefined && env.SOURCE_DATE_EPOCH) {
    args.sourceDateEpoch = epoch(env.SOURCE_DATE_EPOCH, 'SOURCE_DATE_EPOCH');
  }
  return args;
}
