/**
 * "makeimg: Build Image", "makeimg: Build Image (no cache)" (runs do_install
 * even when the install cache has it), "makeimg: Cancel Build" and
 * "makeimg: Show Build Log".
 */
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { TASK_TYPE } from '../../../shared/ids-and-settings';
import type { BuildController } from './controller';
import { findImageFile } from './find-image';
import { createBuildTask, openBuildTerminal } from './task';

const SHOW_BUILD = 'Show build';
const CANCEL_BUILD = 'Cancel build';
const MANAGE_TRUST = 'Manage workspace trust';

export async function buildImage(controller: BuildController, log: vscode.LogOutputChannel, arg?: unknown, noCache = false): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    const choice = await vscode.window.showWarningMessage(
      'makeimg: building runs image.sh as root, so it needs a trusted workspace.', MANAGE_TRUST);
    if (choice === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  const running = controller.running;
  if (running) {
    const choice = await vscode.window.showWarningMessage(
      `makeimg: a build of ${running.request.directory} is already running; one build runs at a time.`, SHOW_BUILD, CANCEL_BUILD);
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
  const directory = dirname(uri.fsPath);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) {
    openBuildTerminal(controller, directory, noCache);
    return;
  }
  await vscode.tasks.executeTask(createBuildTask(controller, { type: TASK_TYPE, directory, ...(noCache ? { noCache } : {}) }, folder));
}

export function cancelBuild(controller: BuildController): void {
  if (!controller.cancel()) void vscode.window.showInformationMessage('makeimg: no build is running.');
}

/** The build's terminal while it is open, else the output channel (which has every build's log). */
export function showBuildLog(controller: BuildController, log: vscode.LogOutputChannel): void {
  const terminal = controller.buildTerminal();
  if (terminal) terminal.show(false);
  else log.show(true);
}
