/**
 * The `makeimg` task type: a CustomExecution whose pseudoterminal streams the
 * build. Ctrl+C in the terminal, or closing it, cancels the build. Tasks come
 * from the workspace's image.sh files or from tasks.json
 * ({"type": "makeimg", "directory": "...", "imgDirBase": "...", "noCache": true, "force": true}).
 */
import * as vscode from 'vscode';
import { join, relative } from 'node:path';
import { EXIT } from '../../../shared/events';
import { TASK_TYPE } from '../../../shared/ids-and-settings';
import type { BuildController, RunningBuild } from './controller';
import { findImageFiles } from './find-image';
import { BuildTextRenderer } from '../../../shared/build-text';
import { outcomeExitCode } from './outcome';
import { terminalRenderer } from './render';
import { resolveTaskDirectory, type TaskDirectory } from './task-directory';

export interface MakeimgTaskDefinition extends vscode.TaskDefinition {
  type: typeof TASK_TYPE;
  /** The directory containing image.sh: absolute, or relative to the workspace folder. Default: the folder. */
  directory?: string;
  /** img_dir_base for this build; overrides makeimg.imgDirBase. */
  imgDirBase?: string;
  /** Run do_install even when the install cache has it (makeimg --no-cache). */
  noCache?: boolean;
  /** Replace an existing image (makeimg build --force). */
  force?: boolean;
}

const CTRL_C = '\x03';
/** Rebuild Image replaces the image; Build Image (no cache) runs do_install even when cached. */
export interface BuildHow {
  force?: boolean;
  noCache?: boolean;
}

const NO_CACHE_SUFFIX = ' (no cache)';

class BuildPseudoterminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private build: RunningBuild | undefined;

  constructor(
    private readonly controller: BuildController,
    private readonly directory: string | undefined,
    private readonly imgDirBase: string | undefined,
    private readonly how: BuildHow,
    private readonly terminalName: string,
    private readonly problem: string | undefined,
  ) {}

  open(): void {
    const write = (text: string) => this.writer.fire(text);
    const say: BuildTextRenderer = terminalRenderer(write, this.directory);
    if (this.problem || !this.directory) {
      say.say(this.problem ?? 'makeimg: no directory to build', 'bad');
      this.closer.fire(EXIT.INVALID);
      return;
    }
    if (!vscode.workspace.isTrusted) {
      say.say('makeimg: building runs image.sh as root; trust this workspace first.', 'bad');
      this.closer.fire(EXIT.INVALID);
      return;
    }
    this.build = this.controller.start(
      {
        directory: this.directory,
        imgDirBase: this.imgDirBase,
        noCache: this.how.noCache,
        force: this.how.force,
        terminalName: this.terminalName,
      },
      { write },
    );
    if (!this.build) {
      this.closer.fire(EXIT.BUILD_FAILED);
      return;
    }
    void this.build.done.then((outcome) => {
      this.build = undefined;
      // The terminal reports the pipeline's own exit code (2 stays 2).
      this.closer.fire(outcomeExitCode(outcome));
    });
  }

  handleInput(data: string): void {
    if (data.includes(CTRL_C)) this.build?.cancel();
  }

  /** The user closed the terminal. */
  close(): void {
    this.build?.cancel();
  }
}

/** The directory a definition builds, or why it cannot. */
function resolveDirectory(definition: MakeimgTaskDefinition, folder: vscode.WorkspaceFolder | undefined): TaskDirectory {
  return resolveTaskDirectory(definition.directory, folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined);
}

function taskName(directory: string | undefined, folder: vscode.WorkspaceFolder | undefined, force = false): string {
  const verb = force ? 'rebuild' : 'build';
  if (!directory) return verb;
  const rel = folder ? relative(folder.uri.fsPath, directory) : '';
  return `${verb} ${rel && !rel.startsWith('..') ? rel : rel === '' && folder ? folder.name : directory}`;
}

export function createBuildTask(
  controller: BuildController,
  definition: MakeimgTaskDefinition,
  scope: vscode.WorkspaceFolder | vscode.TaskScope.Workspace,
): vscode.Task {
  const folder = typeof scope === 'object' ? scope : undefined;
  const name =
    taskName(resolveDirectory(definition, folder).directory, folder, definition.force === true) +
    (definition.noCache ? NO_CACHE_SUFFIX : '');
  const execution = new vscode.CustomExecution(async (resolved) => {
    // tasks.json variables (${workspaceFolder}, ...) are substituted in `resolved`.
    const def = resolved as MakeimgTaskDefinition;
    const { directory, problem } = resolveDirectory(def, folder);
    return new BuildPseudoterminal(
      controller,
      directory,
      def.imgDirBase?.trim() || undefined,
      { noCache: def.noCache === true, force: def.force === true },
      name,
      problem,
    );
  });
  const task = new vscode.Task(definition, scope, name, TASK_TYPE, execution, []);
  task.group = vscode.TaskGroup.Build;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, focus: false };
  return task;
}

/** Offers a build task for every image.sh in the workspace, and runs tasks.json's makeimg tasks. */
export class BuildTaskProvider implements vscode.TaskProvider {
  constructor(private readonly controller: BuildController) {}

  async provideTasks(): Promise<vscode.Task[]> {
    const files = await findImageFiles(100);
    const tasks: vscode.Task[] = [];
    for (const file of files) {
      const folder = vscode.workspace.getWorkspaceFolder(file);
      if (!folder) continue;
      const directory = relative(folder.uri.fsPath, join(file.fsPath, '..')) || '.';
      tasks.push(createBuildTask(this.controller, { type: TASK_TYPE, directory }, folder));
    }
    return tasks;
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    if (task.definition.type !== TASK_TYPE) return undefined;
    const scope = typeof task.scope === 'object' ? task.scope : vscode.TaskScope.Workspace;
    // A tasks.json entry: same definition (VS Code matches on it), our execution.
    const resolved = createBuildTask(this.controller, task.definition as MakeimgTaskDefinition, scope);
    return new vscode.Task(task.definition, scope, task.name, TASK_TYPE, resolved.execution, []);
  }
}

/** For an image.sh outside any workspace folder: the same pseudoterminal in a plain terminal. */
export function openBuildTerminal(
  controller: BuildController,
  directory: string,
  imgDirBase?: string,
  how: BuildHow = {},
): vscode.Terminal {
  const name = `makeimg: ${taskName(directory, undefined, how.force)}${how.noCache ? NO_CACHE_SUFFIX : ''}`;
  const { problem } = resolveTaskDirectory(directory, undefined);
  const terminal = vscode.window.createTerminal({
    name,
    pty: new BuildPseudoterminal(controller, directory, imgDirBase, how, name, problem),
  });
  terminal.show(true);
  return terminal;
}
