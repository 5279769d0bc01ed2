/**
 * "makeimg: Build Image", "makeimg: Build Image (no cache)" (runs do_install
 * even when the install cache has it), "makeimg: Rebuild Image" (replaces the
 * image), "makeimg: Cancel Build" and "makeimg: Show Build Log".
 */
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { IMAGE_FILE_NAME } from '../../../shared/contract';
import { SETTINGS_SECTION, TASK_TYPE } from '../../../shared/ids-and-settings';
import type { BuildController, BuildRequest } from './controller';
import { BUILD_DIAGNOSTIC_SOURCE } from './build-diagnostics';
import { findImageFile } from './find-image';
import { createBuildTask, openBuildTerminal, type BuildHow, type MakeimgTaskDefinition } from './task';

const SHOW_BUILD = 'Show Build';
const CANCEL_BUILD = 'Cancel Build';
const MANAGE_TRUST = 'Manage Workspace Trust';
export const RUN_ANYWAY = 'Run Anyway';
export const SHOW_PROBLEMS = 'Show Problems';

/** The setting that turns the "image.sh has errors" prompt off. */
export const PROMPT_ON_ERRORS_SETTING = 'build.promptOnErrors';

/**
 * Like VS Code's preLaunchTask prompt: when Problems shows errors for this
 * image.sh, ask before a build that would most likely fail. True: build.
 */
async function confirmDespiteErrors(uri: vscode.Uri): Promise<boolean> {
  if (!vscode.workspace.getConfiguration(SETTINGS_SECTION, uri).get<boolean>(PROMPT_ON_ERRORS_SETTING, true)) return true;
  // The last build's own errors are about the last build, not this text.
  const errors = vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.severity === vscode.DiagnosticSeverity.Error && d.source !== BUILD_DIAGNOSTIC_SOURCE);
  if (errors.length === 0) return true;
  const first = errors[0]!;
  const choice = await vscode.window.showWarningMessage(
    `makeimg: ${IMAGE_FILE_NAME} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`} ` +
      `(line ${first.range.start.line + 1}: ${first.message}). Build anyway?`,
    RUN_ANYWAY,
    SHOW_PROBLEMS,
  );
  if (choice === SHOW_PROBLEMS) await vscode.commands.executeCommand('workbench.actions.view.problems');
  return choice === RUN_ANYWAY;
}

/** Runs a build of `directory` as a task (or, outside every workspace folder, in a plain terminal). */
export async function startBuild(controller: BuildController, request: Omit<BuildRequest, 'terminalName'>): Promise<void> {
  controller.prepare();
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(request.directory));
  if (!folder) {
    openBuildTerminal(controller, request.directory, request.imgDirBase, { force: request.force, noCache: request.noCache });
    return;
  }
  const definition: MakeimgTaskDefinition = {
    type: TASK_TYPE,
    directory: request.directory,
    imgDirBase: request.imgDirBase,
    ...(request.force ? { force: true } : {}),
    ...(request.noCache ? { noCache: true } : {}),
  };
  await vscode.tasks.executeTask(createBuildTask(controller, definition, folder));
}

export async function buildImage(
  controller: BuildController,
  log: vscode.LogOutputChannel,
  arg?: unknown,
  how: BuildHow = {},
): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    const choice = await vscode.window.showWarningMessage(
      'makeimg: building runs image.sh as root, so it needs a trusted workspace.',
      MANAGE_TRUST,
    );
    if (choice === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  const running = controller.running;
  if (running) {
    const choice = await vscode.window.showWarningMessage(
      `makeimg: a build of ${running.request.directory} is already running; one build runs at a time.`,
      SHOW_BUILD,
      CANCEL_BUILD,
    );
    if (choice === SHOW_BUILD) showBuildLog(controller, log);
    if (choice === CANCEL_BUILD) running.cancel();
    return;
  }
  controller.prepare();
  const uri = await findImageFile(arg);
  if (!uri) return;
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document?.isDirty && !(await document.save())) {
    void vscode.window.showErrorMessage(`makeimg: could not save ${uri.fsPath}; not building.`);
    return;
  }
  if (!(await confirmDespiteErrors(uri))) return;
  await startBuild(controller, { directory: dirname(uri.fsPath), ...how });
}

export function cancelBuild(controller: BuildController): void {
  if (!controller.cancel()) void vscode.window.showInformationMessage('makeimg: no build is running.');
}

/**
 * The build's terminal while it is open, else the output channel (which has
 * every build's log). While a build runs (the status bar's click), also
 * offer to cancel it.
 */
export function showBuildLog(controller: BuildController, log: vscode.LogOutputChannel): void {
  const terminal = controller.buildTerminal();
  if (terminal) terminal.show(false);
  else log.show(true);
  const running = controller.running;
  if (running) {
    void vscode.window.showInformationMessage(`makeimg: building ${running.request.directory}`, CANCEL_BUILD).then((choice) => {
      if (choice === CANCEL_BUILD) running.cancel();
    });
  }
}
