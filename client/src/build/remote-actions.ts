/**
 * Which notification actions work in this window (pure, for tests). In a
 * remote window (Remote-SSH, code-server: vscode.env.remoteName is set) the
 * OS file manager would be the local machine's, which cannot show a path of
 * the remote host; machine settings are read from the remote's settings.
 */
import { isAbsolute, relative } from 'node:path';

export const REVEAL_OS = 'Reveal in File Manager';
export const REVEAL_EXPLORER = 'Reveal in Explorer';

/** Whether `path` lies in one of the workspace folders (file paths), so the Explorer can show it. */
export function inWorkspace(path: string, folders: readonly string[]): boolean {
  return folders.some((folder) => {
    const rel = relative(folder, path);
    return !rel.startsWith('..') && !isAbsolute(rel);
  });
}

/** The reveal action that works here: the Explorer for paths in the workspace, else the OS file manager, only in a local window. */
export function revealActions(path: string, folders: readonly string[], remote: boolean): string[] {
  if (inWorkspace(path, folders)) return [REVEAL_EXPLORER];
  return remote ? [] : [REVEAL_OS];
}

/** The command that opens the settings where a machine setting is read: the remote's in a remote window. */
export function machineSettingsCommand(remote: boolean): string {
  return remote ? 'workbench.action.openRemoteSettings' : 'workbench.action.openSettings';
}
