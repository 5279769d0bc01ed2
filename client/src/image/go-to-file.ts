/**
 * "makeimg: Go to File in Image...": quick open over an image's files.
 * VS Code's own quick open (Ctrl+P) searches file systems of other schemes
 * only through a proposed API (FileSearchProvider) that published
 * extensions cannot use, so the image's index answers here: every file
 * and link in the image by name, fuzzy-matched by the quick pick, opened
 * read-only in an editor.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../../../shared/units';
import type { ImageSource } from './image-source';

interface FileItem extends vscode.QuickPickItem {
  path: string;
}

/** The quick pick's rows: the image's openable files by path, a file's size or a link's target as description. */
function fileItems(source: ImageSource): FileItem[] {
  return source.openableFiles().map((f) => ({
    label: f.path,
    description: f.linkTarget !== undefined ? `→ ${f.linkTarget}` : formatBytes(f.bytes),
    path: f.path,
  }));
}

/** Shows the pick for one image; resolves with the chosen path inside it. */
export async function pickFileInImage(source: ImageSource, title: string): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(fileItems(source), {
    title,
    placeHolder: 'File name or path in the image (e.g. os-release, /etc/passwd)',
  });
  return picked?.path;
}
