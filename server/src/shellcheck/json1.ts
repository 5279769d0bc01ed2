/**
 * ShellCheck's `--format=json1` output: its shape and a validating parser.
 *
 * Positions are 1-based. Columns count Unicode code points, a tab counts as
 * one column (unlike the legacy `json` format, which expands tabs to 8), and
 * lines are split at `\n` only. `endColumn` is exclusive.
 */

export type Json1Level = 'error' | 'warning' | 'info' | 'style';

export interface Json1Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Json1Replacement extends Json1Span {
  /** Where an insertion goes relative to other insertions at the same point. */
  insertionPoint: 'beforeStart' | 'afterEnd';
  precedence?: number;
  replacement: string;
}

export interface Json1Comment extends Json1Span {
  /** "-" for the checked text (stdin); sourced files carry their own path. */
  file: string;
  level: Json1Level;
  code: number;
  message: string;
  fix: { replacements: Json1Replacement[] } | null;
}

const LEVELS: ReadonlySet<string> = new Set<Json1Level>(['error', 'warning', 'info', 'style']);

/** Parse shellcheck's json1 stdout; throws an Error saying what is wrong. */
export function parseJson1(stdout: string): Json1Comment[] {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new Error(`output is not JSON: ${JSON.stringify(stdout.slice(0, 120))}`);
  }
  if (!isRecord(data) || !Array.isArray(data.comments)) {
    throw new Error('output has no "comments" array (is this shellcheck 0.7 or newer?)');
  }
  return data.comments.map((c, i) => {
    if (!isComment(c)) throw new Error(`comment ${i} has an unexpected shape`);
    return { ...c, fix: c.fix ?? null };
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSpan(v: Record<string, unknown>): boolean {
  return ['line', 'column', 'endLine', 'endColumn'].every((k) => Number.isInteger(v[k]));
}

function isReplacement(v: unknown): v is Json1Replacement {
  return (
    isRecord(v) &&
    isSpan(v) &&
    typeof v.replacement === 'string' &&
    (v.insertionPoint === 'beforeStart' || v.insertionPoint === 'afterEnd')
  );
}

function isComment(v: unknown): v is Json1Comment {
  if (!isRecord(v) || !isSpan(v)) return false;
  if (typeof v.file !== 'string' || typeof v.message !== 'string' || !Number.isInteger(v.code)) return false;
  if (typeof v.level !== 'string' || !LEVELS.has(v.level)) return false;
  if (v.fix === null || v.fix === undefined) return true;
  return isRecord(v.fix) && Array.isArray(v.fix.replacements) && v.fix.replacements.every(isReplacement);
}
