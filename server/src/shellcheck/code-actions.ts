/**
 * Quick fixes from the fixes ShellCheck itself proposes (e.g. SC2086's
 * quoting), read back from the diagnostics the client sends in a
 * `textDocument/codeAction` request.
 */
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { shellcheckFixOf } from './convert';

export function shellcheckCodeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const edits = shellcheckFixOf(diagnostic);
    if (!edits) continue;
    actions.push({
      title: `Apply ShellCheck's fix for ${String(diagnostic.code)}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: { changes: { [uri]: edits } },
    });
  }
  return actions;
}
