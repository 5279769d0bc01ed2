/**
 * Quick fixes that no text edit of the language server can make in VS Code,
 * so the client makes them:
 *
 * - CRLF line endings (MKIMG014): the server's edits replace each "\r\n" with
 *   "\n", but VS Code writes every inserted line break in the document's own
 *   end-of-line sequence, so those edits change nothing. The middleware
 *   replaces them with VS Code's end-of-line edit (TextEdit.setEndOfLine).
 * - A byte order mark (MKIMG015): VS Code drops it when it decodes the file
 *   ("UTF-8 with BOM"), so the text has none to remove and the server finds it
 *   in the file on disk. The fix runs `makeimg.removeByteOrderMark`: the file
 *   is saved, rewritten without its first three bytes, and reloaded as UTF-8.
 * - Some other script named image.sh (MKIMG020): the fix runs
 *   `makeimg.useShellLanguage`, which associates the file with the shell
 *   language in the workspace settings (files.associations, so a reload keeps
 *   it) and switches the open document.
 */
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { COMMANDS, SHELL_LANGUAGE_ID } from '../../shared/ids-and-settings';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export function registerEditorSideFixes(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.useShellLanguage, (uri?: unknown) => useShellLanguage(uri)),
    vscode.commands.registerCommand(COMMANDS.removeByteOrderMark, (uri?: unknown) => removeByteOrderMark(uri)),
  );
}

/** Code actions: line-break edits become one end-of-line edit (see the module comment). */
export function lineEndingsMiddleware(): Middleware {
  return {
    async provideCodeActions(document, range, context, token, next) {
      const actions = await next(document, range, context, token);
      if (!actions || document.eol !== vscode.EndOfLine.CRLF) return actions;
      for (const action of actions) {
        if (action instanceof vscode.CodeAction && action.edit) action.edit = withEndOfLineEdit(action.edit, document);
      }
      return actions;
    },
  };
}

/** `edit` with its edits of `document` that only turn a CRLF line break into LF replaced by one end-of-line edit. */
function withEndOfLineEdit(edit: vscode.WorkspaceEdit, document: vscode.TextDocument): vscode.WorkspaceEdit {
  const edits = edit.get(document.uri);
  const lineBreaks = edits.filter((e) => e.newText === '\n' && isLineBreak(e.range, document));
  if (lineBreaks.length === 0) return edit;
  const result = new vscode.WorkspaceEdit();
  for (const [uri, textEdits] of edit.entries()) {
    if (uri.toString() !== document.uri.toString()) result.set(uri, textEdits);
  }
  result.set(document.uri, [...edits.filter((e) => !lineBreaks.includes(e)), vscode.TextEdit.setEndOfLine(vscode.EndOfLine.LF)]);
  return result;
}

/** The range is exactly the line break at the end of its first line. */
function isLineBreak(range: vscode.Range, document: vscode.TextDocument): boolean {
  const { start, end } = range;
  return end.line === start.line + 1 && end.character === 0 && start.character === document.lineAt(start.line).text.length;
}

function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  return vscode.window.activeTextEditor?.document.uri;
}

async function documentOf(uri: vscode.Uri): Promise<vscode.TextDocument> {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? vscode.workspace.openTextDocument(uri);
}

/** makeimg.useShellLanguage: this file is a shell script, for this workspace and in the open editor. */
export async function useShellLanguage(arg?: unknown): Promise<void> {
  const uri = uriOf(arg);
  if (!uri) return;
  if (uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(uri)) {
    // files.associations is window-scoped: it goes to the workspace settings, keyed by the file's
    // path (a glob with a '/' is matched against the whole path; "**/image.sh" would take them all).
    const files = vscode.workspace.getConfiguration('files');
    const current = files.inspect<Record<string, string>>('associations')?.workspaceValue ?? {};
    await files.update('associations', { ...current, [uri.path]: SHELL_LANGUAGE_ID }, vscode.ConfigurationTarget.Workspace);
  }
  const document = await documentOf(uri);
  if (document.languageId !== SHELL_LANGUAGE_ID) await vscode.languages.setTextDocumentLanguage(document, SHELL_LANGUAGE_ID);
}

/** makeimg.removeByteOrderMark: the file on disk loses its byte order mark; the editor reloads it as UTF-8. */
export async function removeByteOrderMark(arg?: unknown): Promise<void> {
  const uri = uriOf(arg);
  if (!uri) return;
  const document = await documentOf(uri);
  // Unsaved edits go to disk first (VS Code writes them with the mark), so none is lost.
  if (document.isDirty && !(await document.save())) return;
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (!UTF8_BOM.every((b, i) => bytes[i] === b)) return;
  await vscode.workspace.fs.writeFile(uri, bytes.subarray(UTF8_BOM.length));
  // The file changed on disk while the document is clean: reloading decodes it afresh (UTF-8, no mark).
  const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  if (editor) {
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
}
