/**
 * The command lines the editor runs makeimg with, as argv arrays (never a
 * shell string): the privilege command, then makeimg (privilegedCommand),
 * then its arguments (buildArgs, shellArgs).
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
import { isAbsolute, join, resolve } from 'node:path';
import { expandHome } from '../../../shared/paths';

/** pkexec without its text-mode agent: authentication goes through the desktop's polkit agent. */
export const DEFAULT_PRIVILEGE_COMMAND: readonly string[] = ['pkexec', '--disable-internal-agent'];

/** makeimg's polkit launcher (org.makeimg.build), installed by scripts/install-launcher. */
export const POLKIT_LAUNCHER = '/usr/libexec/makeimg/makeimg-pkexec';

/** The launcher to run when the privilege command is pkexec and the launcher is installed. */
export function polkitLauncher(privilegeCommand: readonly string[], exists: (p: string) => boolean = existsSync): string | undefined {
  return privilegeProgram(privilegeCommand) === 'pkexec' && exists(POLKIT_LAUNCHER) ? POLKIT_LAUNCHER : undefined;
}

/** What the editor runs makeimg with: the privilege command and node of the settings, the extension's bundle. */
export interface PipelineRunner {
  /** e.g. ["pkexec", "--disable-internal-agent"] or ["sudo", "-n"]; empty runs the pipeline directly. */
  privilegeCommand: readonly string[];
  /** The node binary; usually process.execPath of the extension host. */
  nodePath: string;
  /** Absolute path of the pipeline bundle (dist/makeimg.js). */
  pipelineScript: string;
}

/** The runner of the settings (nodePath empty: the extension host's own binary) and the extension's bundle. */
export function pipelineRunner(settings: { privilegeCommand: readonly string[]; nodePath: string }, extensionPath: string): PipelineRunner {
  return {
    privilegeCommand: settings.privilegeCommand,
    nodePath: settings.nodePath || process.execPath,
    pipelineScript: join(extensionPath, 'dist', 'makeimg.js'),
  };
}

export interface PrivilegedCommand {
  argv: string[];
  /** How many leading words of argv are the privilege command (outcome.ts tells its refusals from makeimg's). */
  privilegeCommandLength: number;
  /** makeimg's polkit launcher, when argv runs it. */
  launcher?: string;
  /** To show the user: pkexec is asked to run /usr/bin/env as root (makeimg's polkit action is not installed). */
  warning?: string;
}

/**
 * The one privileged command line of everything the editor runs as root
 * (build, clean, shell): `<privilege command> <launcher> ARGS` when the
 * privilege command is pkexec and makeimg's launcher is installed, else
 * `<privilege command> /usr/bin/env ELECTRON_RUN_AS_NODE=1 <node> <bundle>
 * ARGS` (with pkexec, a warning). `exists` is for tests.
 */
export function privilegedCommand(runner: PipelineRunner, args: string[], exists: (p: string) => boolean = existsSync): PrivilegedCommand {
  const privilegeCommandLength = runner.privilegeCommand.length;
  const launcher = polkitLauncher(runner.privilegeCommand, exists);
  if (launcher) return { argv: [...runner.privilegeCommand, launcher, ...args], privilegeCommandLength, launcher };
  for (const [what, path] of [
    ['nodePath', runner.nodePath],
    ['pipelineScript', runner.pipelineScript],
  ] as const) {
    if (!isAbsolute(path)) throw new Error(`${what} must be an absolute path, got "${path}"`);
  }
  const argv = [...runner.privilegeCommand, '/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', runner.nodePath, runner.pipelineScript, ...args];
  const warning =
    privilegeProgram(runner.privilegeCommand) === 'pkexec'
      ? `makeimg's polkit action is not installed (${POLKIT_LAUNCHER}; run scripts/setup as root): pkexec is asked to run /usr/bin/env as root`
      : undefined;
  return { argv, privilegeCommandLength, ...(warning && { warning }) };
}

export interface BuildArgsInput {
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
}

/** makeimg's arguments for a build or a clean of `directory` (for privilegedCommand). */
export function buildArgs(input: BuildArgsInput): string[] {
  if (!isAbsolute(input.directory)) throw new Error(`directory must be an absolute path, got "${input.directory}"`);
  const args = [...actionArgs(input.action ?? { verb: 'build' }), '--directory', input.directory];
  if (input.noCache && input.action?.verb !== 'clean') args.push('--no-cache');
  const base = input.imgDirBase?.trim();
  // Made absolute so it can never be read as an option, and means the same under any cwd.
  if (base) {
    args.push(resolve(input.directory, input.homeDirectory ? expandHome(base, input.homeDirectory) : base));
  }
  return args;
}

/** makeimg's arguments for `makeimg shell IMAGE` (an interactive terminal, no --json; for privilegedCommand). */
export function shellArgs(input: { imagePath: string; lease: string }): string[] {
  if (!isAbsolute(input.imagePath)) throw new Error(`imagePath must be an absolute path, got "${input.imagePath}"`);
  // Absolute, so never read as an option; the lease file goes when the terminal closes (the shell then stops).
  return ['shell', `--lease=${input.lease}`, input.imagePath];
}

function actionArgs(action: NonNullable<BuildArgsInput['action']>): string[] {
  if (action.verb === 'clean') return ['clean', ...(action.keepImage ? ['--keep-image'] : [])];
  return ['--json', ...(action.force ? ['--force'] : [])];
}

/** The privilege program's name (argv[0] without directories), for messages. */
export function privilegeProgram(privilegeCommand: readonly string[]): string | undefined {
  const first = privilegeCommand[0];
  return first === undefined ? undefined : first.slice(first.lastIndexOf('/') + 1);
}
