/**
 * The notification after a build: success offers to reveal or copy the image
 * path; anything else says what happened and offers the log (and the setting,
 * when the privilege command is the problem).
 */
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS_SECTION } from '../../../shared/ids-and-settings';
import { describeOutcome, type BuildOutcome } from './outcome';
import { formatBytes } from './render';

const OPEN_IMAGE = 'Open Image';
const SHOW_REPORT = 'Show Report';
const REVEAL = 'Reveal in file manager';
const COPY_PATH = 'Copy path';
const SHOW_LOG = 'Show log';
const OPEN_SETTINGS = 'Open settings';

export async function notifyOutcome(outcome: BuildOutcome, log: vscode.LogOutputChannel): Promise<void> {
  switch (outcome.kind) {
    case 'built': {
      const path = outcome.result.imgPath;
      const size = outcome.result.bytes === undefined ? '' : ` (${formatBytes(outcome.result.bytes)})`;
      if (!path) {
        void vscode.window.showInformationMessage(`makeimg: image built${size}`);
        return;
      }
      const choice = await vscode.window.showInformationMessage(`makeimg: built ${path}${size}`, OPEN_IMAGE, SHOW_REPORT, REVEAL, COPY_PATH);
      if (choice === OPEN_IMAGE) await vscode.commands.executeCommand(COMMANDS.openImage, path);
      if (choice === SHOW_REPORT) await vscode.commands.executeCommand(COMMANDS.showReport);
      if (choice === REVEAL) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path));
      if (choice === COPY_PATH) await vscode.env.clipboard.writeText(path);
      return;
    }
    case 'cancelled':
      // The user asked for it; the status bar and terminal confirm it.
      return;
    default: {
      const privilegeProblem = ['privilege-missing', 'no-agent', 'password-required', 'not-authorized'].includes(outcome.kind);
      const actions = privilegeProblem ? [SHOW_LOG, OPEN_SETTINGS] : [SHOW_LOG];
      const choice = await vscode.window.showErrorMessage(`makeimg: ${describeOutcome(outcome)}`, ...actions);
      if (choice === SHOW_LOG) log.show(true);
      if (choice === OPEN_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', `${SETTINGS_SECTION}.privilegeCommand`);
    }
  }
}
