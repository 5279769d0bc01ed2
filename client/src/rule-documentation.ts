/**
 * The rules' pages (docs/rules/<code>.md, shipped in the VSIX) in VS Code:
 * makeimg: Show Rule Documentation opens one in the Markdown preview, and
 * the link of a MKIMG diagnostic's code (codeDescription: the server sends
 * the page's file URL) becomes that command. VS Code opens a code's link with
 * commands allowed (Problems panel and hover), while a file URL would open
 * the page's source as text, and in a remote window on the wrong side.
 */
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { COMMANDS, RULE_DOCS_DIRECTORY } from '../../shared/ids-and-settings';

const RULE_CODE = /^MKIMG\d{3}$/;

/** A `command:` link that shows the page of `code`. */
export function ruleDocumentationLink(code: string): vscode.Uri {
  return vscode.Uri.parse(`command:${COMMANDS.showRuleDocumentation}?${encodeURIComponent(JSON.stringify([code]))}`);
}

/** Diagnostics middleware: links to a rule page inside the extension become ruleDocumentationLink. */
export function ruleLinksMiddleware(): Middleware {
  return {
    handleDiagnostics(uri, diagnostics, next) {
      for (const d of diagnostics) {
        if (typeof d.code !== 'object' || !RULE_CODE.test(String(d.code.value))) continue;
        if (d.code.target.scheme === 'file' && d.code.target.path.endsWith(`/${RULE_DOCS_DIRECTORY}/${String(d.code.value)}.md`))
          d.code = { value: d.code.value, target: ruleDocumentationLink(String(d.code.value)) };
      }
      next(uri, diagnostics);
    },
  };
}

/** The command: `code` given (from a diagnostic's link), else a pick of every rule page. */
export async function showRuleDocumentation(extensionUri: vscode.Uri, code?: unknown): Promise<void> {
  const directory = vscode.Uri.joinPath(extensionUri, ...RULE_DOCS_DIRECTORY.split('/'));
  let chosen = typeof code === 'string' && RULE_CODE.test(code) ? code : undefined;
  if (!chosen) {
    const entries = await vscode.workspace.fs.readDirectory(directory);
    const codes = entries.map(([name]) => name.replace(/\.md$/, '')).filter((name) => RULE_CODE.test(name));
    chosen = await vscode.window.showQuickPick(codes.sort(), { placeHolder: 'The makeimg rule to read about' });
    if (!chosen) return;
  }
  const page = vscode.Uri.joinPath(directory, `${chosen}.md`);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', page);
  } catch {
    // No Markdown preview (the built-in extension disabled): the page as text.
    await vscode.window.showTextDocument(page, { preview: true });
  }
}
