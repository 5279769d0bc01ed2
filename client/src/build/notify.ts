/**
 * The notification after a build. Success offers to reveal or copy the image
 * path; a refusal because the image or a kept working directory exists offers
 * Rebuild and Delete working directory; a failure or cancel that kept a
 * working directory offers to delete it; privilege problems offer the
 * setting; everything else the log. A cancel is reported too: after
 * Terminate Task closed the terminal, this is where the user learns what was
 * kept.
 */
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS_SECTION } from '../../../shared/ids-and-settings';
import { formatBytes } from '../../../shared/units';
import { describeOutcome, type BuildOutcome } from './outcome';
import { machineSettingsCommand, REVEAL_EXPLORER, REVEAL_OS, revealActions } from './remote-actions';

const OPEN_IMAGE = 'Open Image';
const SHOW_REPORT = 'Show Report';
const COPY_PATH = 'Copy Path';
const SHOW_LOG = 'Show Log';
const OPEN_SETTINGS = 'Open Settings';
export const REBUILD = 'Rebuild';
export const DELETE_WORKING_DIRECTORY = 'Delete Working Directory';

export interface OutcomeActions {
  /** Build again with --force. */
  rebuild(): void;
  /** Remove what the build kept (`keepImage`: only working directories). */
  deleteKept(keepImage: boolean): void;
}

/** The reveal actions that work in this window (remote-actions.ts). */
function revealActionsHere(path: string): string[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  return revealActions(path, folders, Boolean(vscode.env.remoteName));
}

export async function notifyOutcome(outcome: BuildOutcome, log: vscode.LogOutputChannel, actions: OutcomeActions): Promise<void> {
  const deleteOffer = async (message: string, kept: string[], imgPath: string | undefined, show: typeof vscode.window.showErrorMessage) => {
    const choice = await show(message, DELETE_WORKING_DIRECTORY, SHOW_LOG);
    if (choice === DELETE_WORKING_DIRECTORY) actions.deleteKept(!(imgPath && kept.includes(imgPath)));
    if (choice === SHOW_LOG) log.show(true);
  };
  switch (outcome.kind) {
    case 'built': {
      const path = outcome.result.imgPath;
      const size = outcome.result.bytes === undefined ? '' : ` (${formatBytes(outcome.result.bytes)})`;
      if (!path) {
        void vscode.window.showInformationMessage(`makeimg: image built${size}`);
        return;
      }
      const choice = await vscode.window.showInformationMessage(
        `makeimg: built ${path}${size}`,
        OPEN_IMAGE,
        SHOW_REPORT,
        ...revealActionsHere(path),
        COPY_PATH,
      );
      if (choice === OPEN_IMAGE) await vscode.commands.executeCommand(COMMANDS.openImage, path);
      if (choice === SHOW_REPORT) await vscode.commands.executeCommand(COMMANDS.showReport);
      if (choice === REVEAL_OS) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path));
      if (choice === REVEAL_EXPLORER) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path));
      if (choice === COPY_PATH) await vscode.env.clipboard.writeText(path);
      return;
    }
    case 'cancelled':
      if (outcome.kept.length > 0)
        await deleteOffer(`makeimg: ${describeOutcome(outcome)}`, outcome.kept, outcome.imgPath, vscode.window.showInformationMessage);
      else void vscode.window.showInformationMessage(`makeimg: ${describeOutcome(outcome)}`);
      return;
    case 'failed': {
      const kept = outcome.result?.kept ?? [];
      if (kept.length > 0) {
        await deleteOffer(`makeimg: ${describeOutcome(outcome)}`, kept, outcome.result?.imgPath, vscode.window.showErrorMessage);
        return;
      }
      break;
    }
    case 'invalid': {
      const existing = outcome.error?.existing;
      if (existing) {
        const offers = existing.kind === 'working-directory' ? [REBUILD, DELETE_WORKING_DIRECTORY] : [REBUILD];
        const choice = await vscode.window.showWarningMessage(`makeimg: ${describeOutcome(outcome)}`, ...offers);
        if (choice === REBUILD) actions.rebuild();
        if (choice === DELETE_WORKING_DIRECTORY) actions.deleteKept(true);
        return;
      }
      break;
    }
    default:
      // The privilege and crash outcomes: an error message, below.
      break;
  }
  const privilegeProblem = ['privilege-missing', 'no-agent', 'password-required', 'not-authorized'].includes(outcome.kind);
  const offers = privilegeProblem ? [SHOW_LOG, OPEN_SETTINGS] : [SHOW_LOG];
  const choice = await vscode.window.showErrorMessage(`makeimg: ${describeOutcome(outcome)}`, ...offers);
  if (choice === SHOW_LOG) log.show(true);
  // In a remote window the privilege command is a machine setting of the remote: open the settings where it is read.
  if (choice === OPEN_SETTINGS) {
    await vscode.commands.executeCommand(machineSettingsCommand(Boolean(vscode.env.remoteName)), `${SETTINGS_SECTION}.privilegeCommand`);
  }
}
