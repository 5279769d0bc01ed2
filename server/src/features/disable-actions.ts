/**
 * "Disable CODE for this line / this file" quick fixes, for makeimg's rules
 * (`# makeimg-disable-next-line CODE`, `# makeimg-disable CODE`, see
 * analysis/src/rules/directives.ts) and ShellCheck (`# shellcheck
 * disable=SC2086`, above the line or before the first command). The comment
 * takes the indentation of the line it silences.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import { disableFileComment, disableNextLineComment } from '../../../analysis/src/rules/directives';
import { leadingWhitespace } from '../../../analysis/src/rules/fixes';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';
import { SHELLCHECK_SOURCE } from '../shellcheck';

interface Directives {
  line: (code: string) => string;
  file: (code: string) => string;
}

const DIRECTIVES: Record<string, Directives> = {
  [DIAGNOSTIC_SOURCE]: { line: disableNextLineComment, file: disableFileComment },
  // ShellCheck: a directive above a command applies to it; one before the first command, to the whole script.
  [SHELLCHECK_SOURCE]: { line: (code) => `# shellcheck disable=${code}`, file: (code) => `# shellcheck disable=${code}` },
};

export function disableActions(uri: string, lines: readonly string[], diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions = new Map<string, CodeAction>();
  const add = (title: string, edit: TextEdit, diagnostic: Diagnostic) => {
    const known = actions.get(title);
    if (known) known.diagnostics?.push(diagnostic);
    else actions.set(title, { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: { changes: { [uri]: [edit] } } });
  };
  for (const diagnostic of diagnostics) {
    const directives = diagnostic.source ? DIRECTIVES[diagnostic.source] : undefined;
    const code = typeof diagnostic.code === 'string' ? diagnostic.code : undefined;
    if (!directives || !code) continue;
    const line = diagnostic.range.start.line;
    // A finding about the whole file (at its very start, e.g. "img_name is not set") has no line of its own to silence.
    if (!isFileStart(diagnostic)) {
      const at = { line, character: 0 };
      const newText = `${leadingWhitespace(lines[line] ?? '')}${directives.line(code)}\n`;
      add(`Disable ${code} for this line`, { range: { start: at, end: at }, newText }, diagnostic);
    }
    const top = { line: lines[0]?.startsWith('#!') ? 1 : 0, character: 0 };
    add(`Disable ${code} for this file`, { range: { start: top, end: top }, newText: `${directives.file(code)}\n` }, diagnostic);
  }
  return [...actions.values()];
}

function isFileStart(d: Diagnostic): boolean {
  const { start, end } = d.range;
  return start.line === 0 && start.character === 0 && end.line === 0 && end.character === 0;
}
