/**
 * Which image.sh "Build Image" builds: the one given (editor title, code
 * lens), else the active editor's, else the only one in the workspace, else
 * the user's pick.
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { IMAGE_FILE_NAME } from '../../../shared/contract';
import { LANGUAGE_ID } from '../../../shared/ids-and-settings';

function isImageFile(uri: vscode.Uri, languageId?: string): boolean {
  return uri.scheme === 'file' && (languageId === LANGUAGE_ID || basename(uri.fsPath) === IMAGE_FILE_NAME);
}

/** The workspace's image.sh files (at most `limit`), outside node_modules. */
export function findImageFiles(limit: number): Thenable<vscode.Uri[]> {
  return vscode.workspace.findFiles(`**/${IMAGE_FILE_NAME}`, '**/node_modules/**', limit);
}

/** `arg` is what the command was invoked with: a Uri (menus) or a URI string (code lens). */
export async function findImageFile(arg: unknown): Promise<vscode.Uri | undefined> {
  const given = arg instanceof vscode.Uri ? arg : typeof arg === 'string' && arg ? vscode.Uri.parse(arg) : undefined;
  if (given) {
    if (isImageFile(given)) return given;
    void vscode.window.showErrorMessage(`makeimg: ${given.fsPath || given.toString()} is not an ${IMAGE_FILE_NAME} on disk.`);
    return undefined;
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && isImageFile(active.uri, active.languageId)) return active.uri;

  const found = await findImageFiles(200);
  if (found.length === 0) {
    void vscode.window.showErrorMessage(`makeimg: no ${IMAGE_FILE_NAME} found. Open one, or create it with the "image.sh" snippet.`);
    return undefined;
  }
  if (found.length === 1) return found[0];
  const items = found
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri, true), uri }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Which ${IMAGE_FILE_NAME} do you want to build?` });
  return picked?.uri;
}
