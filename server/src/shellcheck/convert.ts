/**
 * ShellCheck json1 comments -> LSP diagnostics.
 *
 * Each diagnostic carries `code` "SC2086", a link to the ShellCheck wiki,
 * source "shellcheck", and in `data` the comment's fix (when shellcheck
 * offers one) as LSP TextEdits, ready for a quick fix.
 */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { Json1Comment, Json1Level, Json1Replacement } from '../../../analysis/src/shellcheck/json1';
import { PositionMapper } from '../../../analysis/src/shellcheck/positions';

export const SHELLCHECK_SOURCE = 'shellcheck';

/** What a shellcheck diagnostic carries in `Diagnostic.data`. */
export interface ShellcheckDiagnosticData {
  source: typeof SHELLCHECK_SOURCE;
  /** The edits that apply shellcheck's own fix; non-overlapping, in document order. */
  fix?: TextEdit[];
}

const SEVERITY: Record<Json1Level, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  style: DiagnosticSeverity.Hint,
};

/** Codes whose finding means "this code does nothing" (editors fade it). */
const UNNECESSARY_CODES: ReadonlySet<number> = new Set([2034]);

function shellcheckCode(code: number): string {
  return `SC${code}`;
}

export function shellcheckWikiUrl(code: number): string {
  return `https://www.shellcheck.net/wiki/${shellcheckCode(code)}`;
}

/** Convert the comments about the checked text (file "-") into diagnostics on `text`. */
export function toDiagnostics(comments: readonly Json1Comment[], text: string): Diagnostic[] {
  const positions = new PositionMapper(text);
  return comments
    .filter((c) => c.file === '-')
    .map((c) => {
      const data: ShellcheckDiagnosticData = { source: SHELLCHECK_SOURCE };
      const fix = c.fix ? toTextEdits(c.fix.replacements, positions) : undefined;
      if (fix) data.fix = fix;
      const diagnostic: Diagnostic = {
        range: { start: positions.toPosition(c.line, c.column), end: positions.toPosition(c.endLine, c.endColumn) },
        severity: SEVERITY[c.level],
        code: shellcheckCode(c.code),
        codeDescription: { href: shellcheckWikiUrl(c.code) },
        source: SHELLCHECK_SOURCE,
        message: c.message,
        data,
      };
      if (UNNECESSARY_CODES.has(c.code)) diagnostic.tags = [DiagnosticTag.Unnecessary];
      return diagnostic;
    });
}

/**
 * Replacements -> TextEdits in document order. Insertions at the same point
 * keep shellcheck's meaning: "beforeStart" goes before "afterEnd" (so `$a$b`
 * quoted twice becomes `"$a""$b"`). Returns undefined when replacements
 * overlap, which an LSP edit list cannot express.
 */
function toTextEdits(replacements: readonly Json1Replacement[], positions: PositionMapper): TextEdit[] | undefined {
  if (replacements.length === 0) return undefined;
  const spans = replacements.map((r) => ({
    start: positions.offsetOf(r.line, r.column),
    end: positions.offsetOf(r.endLine, r.endColumn),
    order: r.insertionPoint === 'beforeStart' ? 0 : 1,
    newText: r.replacement,
  }));
  spans.sort((a, b) => a.start - b.start || a.order - b.order);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].start < spans[i - 1].end) return undefined;
  }
  return spans.map((s) => ({
    range: { start: positions.positionAt(s.start), end: positions.positionAt(s.end) },
    newText: s.newText,
  }));
}

/** The shellcheck fix a diagnostic carries, if it is a shellcheck diagnostic with one. */
export function shellcheckFixOf(diagnostic: Diagnostic): TextEdit[] | undefined {
  const data = diagnostic.data as Partial<ShellcheckDiagnosticData> | undefined;
  return data?.source === SHELLCHECK_SOURCE && Array.isArray(data.fix) ? data.fix : undefined;
}
