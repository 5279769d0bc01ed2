/**
 * The command line of a build, as an argv array (never a shell string): the
 * privilege command, then the pipeline bundle run by a node binary with
 * `--json --directory <dir> [--no-cache] [<img_dir_base>]`.
 *
 * With makeimg's polkit launcher installed (scripts/install-launcher), the
 * command is `pkexec <launcher> <arguments>`: polkit then authorizes the
 * action org.makeimg.build, which allows that launcher and nothing else.
 * Without it (fallback, with a warning): pkexec clears the environment, so
 * ELECTRON_RUN_AS_NODE (which makes VS Code's own Electron binary behave as
 * plain node) is passed through /usr/bin/env, and polkit can only authorize
 * "run /usr/bin/env", i.e. anything.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { expandHome } from '../../../shared/paths';

/** pkexec without its text-mode agent: authentication goes through the desktop's polkit agent. */
export const DEFAULT_PRIVILEGE_COMMAND: readonly string[] = ['pkexec', '--disable-internal-agent'];

/** makeimg's polkit launcher (org.makeimg.build), installed by scripts/install-launcher. */
export const POLKIT_LAUNCHER = '/usr/libexec/makeimg/makeimg-pkexec';

/** The launcher to run when the privilege command is pkexec and the launcher is installed. */
export function polkitLauncher(privilegeCommand: readonly string[], exists: (p: string) => boolean = existsSync): string | undefined {
  return privilegeProgram(privilegeCommand) === 'pkexec' && exists(POLKIT_LAUNCHER) ? POLKIT_LAUNCHER : undefined;
}

export interface BuildArgvInput {
  /** e.g. ["pkexec", "--disable-internal-agent"] or ["sudo", "-n"]; empty runs the pipeline directly. */
  privilegeCommand: readonly string[];
  /** The node binary; usually process.execPath of the extension host. */
  nodePath: string;
  /** Absolute path of the pipeline bundle (dist/makeimg.js). */
  pipelineScript: string;
  /** The directory that contains image.sh (absolute). */
  directory: string;
  /** img_dir_base; relative paths are taken relative to `directory`, as the CLI does; `~` is `homeDirectory`. */
  imgDirBase?: string;
  /** The invoking user's home (the privileged process would read `~` as root's). */
  homeDirectory?: string;
  /** Run do_install even when the install cache has it (and refresh the entry). */
  noCache?: boolean;
  /** What makeimg does: a build with events (default), `--force` (Rebuild Image), or a clean. */
  action?: { verb: 'build'; force?: boolean } | { verb: 'clean'; keepImage: boolean };
  /** polkitLauncher(): run it (it runs its own installed pipeline) instead of node + pipelineScript. */
  launcher?: string;
}

/** The privilege command, then makeimg's launcher or the pipeline bundle under node, with `args`. */
function pipelineArgv(
  input: { privilegeCommand: readonly string[]; nodePath: string; pipelineScript: string; launcher?: string },
  args: string[],
): string[] {
  if (input.launcher) return [...input.privilegeCommand, input.launcher, ...args];
  for (const [what, path] of [
    ['nodePath', input.nodePath],
    ['pipelineScript', input.pipelineScript],
  ] as const) {
    if (!isAbsolute(path)) throw new Error(`${what} must be an absolute path, got "${path}"`);
  }
  return [...input.privilegeCommand, '/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', input.nodePath, input.pipelineScript, ...args];
}

export function buildArgv(input: BuildArgvInput): string[] {
  if (!isAbsolute(input.directory)) throw new Error(`directory must be an absolute path, got "${input.directory}"`);
  const argv = pipelineArgv(input, [...actionArgs(input.action ?? { verb: 'build' }), '--directory', input.directory]);
  if (input.noCache && input.action?.verb !== 'clean') argv.push('--no-cache');
  const base = input.imgDirBase?.trim();
  // Made absolute so it can never be read as an option, and means the same under any cwd.
  if (base) {
    argv.push(resolve(input.directory, input.homeDirectory ? expandHome(base, input.homeDirectory) : base));
  }
  return argv;
}

/** `makeimg shell IMAGE` through the build's privilege command (an interactive terminal, no --json). */
export function shellArgv(input: {
  privilegeCommand: readonly string[];
  nodePath: string;
  pipelineScript: string;
  imagePath: string;
  lease: string;
}): string[] {
  if (!isAbsolute(input.imagePath)) throw new Error(`imagePath must be an absolute path, got "${input.imagePath}"`);
  // Absolute, so never read as an option; the lease file goes when the terminal closes (the shell then stops).
  return pipelineArgv(input, ['shell', `--lease=${input.lease}`, input.imagePath]);
}

function actionArgs(action: NonNullable<BuildArgvInput['action']>): string[] {
  if (action.verb === 'clean') return ['clean', ...(action.keepImage ? ['--keep-image'] : [])];
  return ['--json', ...(action.force ? ['--force'] : [])];
}

/** The privilege program's name (argv[0] without directories), for messages. */
export function privilegeProgram(privilegeCommand: readonly string[]): string | undefined {
  const first = privilegeCommand[0];
  return first === undefined ? undefined : first.slice(first.lastIndexOf('/') + 1);
}
