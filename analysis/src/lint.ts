/**
 * The command-line linter's core (`makeimg lint`): the editor's verdict on a
 * text, as findings with 1-based positions: the makeimg rules, and
 * ShellCheck's findings (when shellcheck is installed) with the same
 * domain-aware suppressions the language server applies; and the output
 * formats `text`, `gcc` and `json`.
 */
import { resolve } from 'node:path';
import { analyzeImage, analyzeText } from './analysis';
import type { Severity } from './rules';
import { withoutMakeimgFalsePositives } from './shellcheck/filter';
import type { Json1Level } from './shellcheck/json1';
import { PositionMapper } from './shellcheck/positions';
import { runShellcheck } from './shellcheck/runner';
import { existingDirectoryOf, sourceFilesIn } from './source-files';

export interface LintFinding {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
}

export interface LintOptions {
  /** Run this shellcheck (a name on PATH or a path); undefined: no ShellCheck. */
  shellcheck?: string;
  /** Kills a slow shellcheck (its findings are then left out and `notes` says so). */
  shellcheckTimeoutMs?: number;
  /** Why ShellCheck findings are missing, when they are (said once by the caller). */
  notes?: string[];
}

const SHELLCHECK_SEVERITY: Record<Json1Level, Severity> = { error: 'error', warning: 'warning', info: 'information', style: 'hint' };

export async function lintText(text: string, file: string, options: LintOptions = {}): Promise<LintFinding[]> {
  // Missing source files are checked when the file sits in a real directory.
  const directory = existingDirectoryOf(resolve(file));
  // In a real directory, also the files it sources (as the editor does).
  const [analysis, shellcheck] = await Promise.all([
    directory === undefined
      ? analyzeText(text, { confirmSyntaxWithBash: true })
      : analyzeImage(text, resolve(file), { files: sourceFilesIn(directory), confirmSyntaxWithBash: true }),
    options.shellcheck ? shellcheckFindings(text, file, directory, options) : [],
  ]);
  const own = analysis.findings.map((f): LintFinding => ({
    file,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    severity: f.severity,
    code: f.code,
    message: f.message,
  }));
  return [...own, ...shellcheck].sort((a, b) => a.line - b.line || a.column - b.column);
}

async function shellcheckFindings(text: string, file: string, cwd: string | undefined, options: LintOptions): Promise<LintFinding[]> {
  const outcome = await runShellcheck(text, { executable: options.shellcheck!, cwd, timeoutMs: options.shellcheckTimeoutMs ?? 30_000 });
  switch (outcome.kind) {
    case 'ok': {
      const positions = new PositionMapper(text);
      return withoutMakeimgFalsePositives(outcome.comments)
        .filter((c) => c.file === '-')
        .map((c) => {
          const start = positions.toPosition(c.line, c.column);
          const end = positions.toPosition(c.endLine, c.endColumn);
          return {
            file,
            line: start.line + 1,
            column: start.character + 1,
            endLine: end.line + 1,
            endColumn: end.character + 1,
            severity: SHELLCHECK_SEVERITY[c.level],
            code: `SC${c.code}`,
            message: c.message,
          };
        });
    }
    case 'unavailable':
      options.notes?.push(`ShellCheck is not installed (${outcome.reason}); only makeimg's rules ran`);
      return [];
    case 'timeout':
      options.notes?.push(`ShellCheck took longer than ${outcome.timeoutMs} ms on ${file}; its findings are left out`);
      return [];
    case 'failed':
      options.notes?.push(`ShellCheck failed (${outcome.reason}); its findings are left out`);
      return [];
    case 'cancelled':
      return [];
  }
}

export const LINT_FORMATS = ['text', 'gcc', 'json'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

/** `file:line:col: severity CODE message` (the default format). */
export function formatFinding(f: LintFinding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code} ${f.message}`;
}

/** `file:line:col: error: message [CODE]`, as gcc writes it (editors and CI annotators parse this). */
export function formatGcc(f: LintFinding): string {
  const level = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'note';
  return `${f.file}:${f.line}:${f.column}: ${level}: ${f.message} [${f.code}]`;
}

/** The stable JSON shape of one finding (`--format json`: an array of these). */
export function findingJson(f: LintFinding): object {
  return {
    file: f.file,
    range: { start: { line: f.line, column: f.column }, end: { line: f.endLine, column: f.endColumn } },
    severity: f.severity,
    code: f.code,
    message: f.message,
  };
}
