/**
 * makeimg's command line:
 *   makeimg [build] [--json] [--directory DIR] [--source-date-epoch N] [img_dir_base]
 *   makeimg check [--json] [--directory DIR] [img_dir_base]
 *   makeimg lint FILE...
 *   makeimg fmt [-w|--check] FILE...
 *   makeimg --help | --version
 */
import { CONFIG_FILE, DEFAULT_IMG_DIR_BASE, IMAGE_FILE_NAME, IMG_DIR_BASE_KEY, SRC_DIR } from '../../../shared/contract';

export type Command = 'build' | 'check' | 'lint' | 'fmt' | 'inspect' | 'help' | 'version';

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
  /** The image of `makeimg inspect`. */
  image?: string;
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

Builds the rootfs image described by ${IMAGE_FILE_NAME} in the current directory
(\$${SRC_DIR}) into ${IMG_DIR_BASE_KEY} (default ${DEFAULT_IMG_DIR_BASE}, or ${IMG_DIR_BASE_KEY}= in
~/${CONFIG_FILE} of the invoking user). Must run as root.

commands:
  build                  build the image (the default)
  check                  validate ${IMAGE_FILE_NAME} and print the resolved paths, without building
  lint FILE...           check ${IMAGE_FILE_NAME} files statically (no root needed)
  fmt FILE...            format ${IMAGE_FILE_NAME} files with shfmt's rules (makeimg fmt --help)
  inspect IMAGE          the build report of an existing image (.tar* or directory; no root needed)

options:
  --json                 machine-readable events on stdout, one JSON object per line;
                         closing stdin cancels the build
  -C, --directory DIR    the project directory (default: the current directory)
  --source-date-epoch N  reproducible archive (default: \$SOURCE_DATE_EPOCH)
  --strict               fail (exit 1) when the image has hygiene findings (MKIMG1xx)
  -h, --help             show this help
  -V, --version          show the version

exit status: 0 built, 1 a stage failed, 2 invalid input or environment, 130 cancelled
`;

function epoch(value: string, from: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${from} must be a number of seconds since 1970, got ${JSON.stringify(value)}`);
  return Number(value);
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = {}): CliArgs {
  const args: CliArgs = { command: 'build', json: false, strict: false, files: [] };
  let rest = argv;
  const first = rest[0];
  if (first === 'build' || first === 'check' || first === 'lint' || first === 'fmt' || first === 'inspect') {
    args.command = first;
    rest = rest.slice(1);
  }
  if (args.command === 'lint' || args.command === 'fmt') {
    args.files = rest;
    return args;
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
      positional.push(...rest.slice(i + 1));
      break;
    } else if (a === '-h' || a === '--help') args.command = 'help';
    else if (a === '-V' || a === '--version') args.command = 'version';
    else if (a === '--json') args.json = true;
    else if (a === '--strict') args.strict = true;
    else if (a === '-C' || a === '--directory' || a.startsWith('--directory=')) args.directory = value('--directory');
    else if (a === '--source-date-epoch' || a.startsWith('--source-date-epoch=')) {
      args.sourceDateEpoch = epoch(value('--source-date-epoch'), '--source-date-epoch');
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  if (args.command === 'inspect') {
    if (positional.length !== 1) throw new UsageError('inspect takes one IMAGE (a .tar* file or a directory image)');
    args.image = positional[0];
    return args;
  }
  if (positional.length > 1) throw new UsageError(`too many arguments: ${positional.join(' ')} (expected at most ${IMG_DIR_BASE_KEY})`);
  args.imgDirBase = positional[0];
  if (args.sourceDateEpoch === undefined && env.SOURCE_DATE_EPOCH) {
    args.sourceDateEpoch = epoch(env.SOURCE_DATE_EPOCH, 'SOURCE_DATE_EPOCH');
  }
  return args;
}
