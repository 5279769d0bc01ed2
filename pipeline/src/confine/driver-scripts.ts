/**
 * The bash drivers that run image.sh code inside a container
 * (drivers/*.bash, imported as text). Each is written to the control
 * directory with drivers/common.bash beside it and run as
 * `bash /run/makeimg/driver.bash`; every value reaches it through the
 * environment (nspawn --setenv) or a control-directory file, never as
 * generated bash text.
 *
 * For do_install, image.sh is sourced from its real path, so bash's
 * BASH_SOURCE/LINENO point into it and the ERR trap can report the failing
 * image.sh line; do_postinstall gets the same from postinstall-lines.ts.
 */
import {
  FILE_ARRAY_PAIRS,
  HOOKS,
  IMAGE_CHECKS_DISABLE,
  IMAGE_FILE_NAME,
  IMG_DIR,
  IMG_NAME,
  IMG_PATH,
  PROVIDED_VARIABLES,
  SRC_DIR,
} from '../../../shared/contract';
import { DEFINITIONS_FILE, ORIGINALS_FILE, outputPath } from './control-dir';
import common from './drivers/common.bash';
import evaluate from './drivers/evaluate.bash';
import install from './drivers/install.bash';
import postinstall from './drivers/postinstall.bash';

/** One driver run: the script, its environment and the input files it reads beside it. */
export interface Driver {
  script: string;
  env: Record<string, string>;
  inputs: Record<string, string>;
}

/** Sourced by every driver from the control directory. */
export const COMMON_FILE = 'common.bash';
export const COMMON_SCRIPT = common;

/** Exit status of the evaluation driver when image.sh does not parse. */
export const SYNTAX_ERROR_STATUS = 91;

/**
 * Bash's own variables (changing on every read, or describing the shell)
 * that are never part of "what image.sh defines".
 */
const SHELL_VARIABLES = [
  'BASH',
  'BASHOPTS',
  'BASHPID',
  'BASH_ALIASES',
  'BASH_ARGC',
  'BASH_ARGV',
  'BASH_ARGV0',
  'BASH_CMDS',
  'BASH_COMMAND',
  'BASH_LINENO',
  'BASH_LOADABLES_PATH',
  'BASH_REMATCH',
  'BASH_SOURCE',
  'BASH_SUBSHELL',
  'BASH_VERSINFO',
  'BASH_VERSION',
  'COLUMNS',
  'COMP_WORDBREAKS',
  'DIRSTACK',
  'EPOCHREALTIME',
  'EPOCHSECONDS',
  'EUID',
  'FUNCNAME',
  'GROUPS',
  'HISTCMD',
  'HOSTNAME',
  'HOSTTYPE',
  'LINENO',
  'LINES',
  'MACHTYPE',
  'OLDPWD',
  'OPTERR',
  'OPTIND',
  'OSTYPE',
  'PIPESTATUS',
  'PPID',
  'PS4',
  'PWD',
  'RANDOM',
  'SECONDS',
  'SHELLOPTS',
  'SHLVL',
  'SRANDOM',
  'UID',
  '_',
];

/** common.bash's environment: the provided variables (read-only in the driver) and the ERR marker. */
function providedEnv(p: { srcDir: string; imgDir?: string; imgPath?: string; errMarker?: string }): Record<string, string> {
  const values: Record<string, string | undefined> = { [SRC_DIR]: p.srcDir, [IMG_DIR]: p.imgDir, [IMG_PATH]: p.imgPath };
  const provided = PROVIDED_VARIABLES.filter((v) => values[v.name] !== undefined);
  const env: Record<string, string> = { MAKEIMG_PROVIDED: provided.map((v) => v.name).join(' ') };
  for (const v of provided) env[`MAKEIMG_VALUE_${v.name}`] = values[v.name]!;
  if (p.errMarker !== undefined) env.MAKEIMG_ERR_MARKER = p.errMarker;
  return env;
}

function imageFile(srcDir: string): string {
  return `${srcDir.replace(/\/+$/, '')}/${IMAGE_FILE_NAME}`;
}

/** Evaluation (resolve stage and `makeimg check`): drivers/evaluate.bash. */
export function evaluationDriver(srcDir: string): Driver {
  return {
    script: evaluate,
    inputs: {},
    env: {
      ...providedEnv({ srcDir }),
      MAKEIMG_IMAGE_FILE: imageFile(srcDir),
      MAKEIMG_DESCRIPTION: outputPath('description'),
      MAKEIMG_SYNTAX_STATUS: String(SYNTAX_ERROR_STATUS),
      MAKEIMG_SCALARS: IMG_NAME,
      MAKEIMG_ARRAYS: [...FILE_ARRAY_PAIRS.flatMap((p) => [p.src, p.dst]), IMAGE_CHECKS_DISABLE].join(' '),
      MAKEIMG_HOOKS: HOOKS.map((h) => h.name).join(' '),
      // makeimg's variables are never image.sh's, even where image.sh assigned them.
      MAKEIMG_EXCLUDED: [...SHELL_VARIABLES, ...PROVIDED_VARIABLES.map((v) => v.name)].join(' '),
    },
  };
}

/** do_install in the confined host: drivers/install.bash. */
export function installDriver(p: { srcDir: string; imgDir: string; imgPath: string; errMarker: string }): Driver {
  return { script: install, inputs: {}, env: { ...providedEnv(p), MAKEIMG_IMAGE_FILE: imageFile(p.srcDir) } };
}

/**
 * do_postinstall inside the new rootfs: drivers/postinstall.bash with the
 * captured definitions (never the provided paths) and, when there are any,
 * the line-mapped originals.
 */
export function postinstallDriver(p: { definitions: string; originals?: string; errMarker: string }): Driver {
  const inputs: Record<string, string> = { [DEFINITIONS_FILE]: p.definitions };
  if (p.originals !== undefined) inputs[ORIGINALS_FILE] = p.originals;
  return { script: postinstall, inputs, env: { MAKEIMG_PROVIDED: '', MAKEIMG_ERR_MARKER: p.errMarker } };
}
