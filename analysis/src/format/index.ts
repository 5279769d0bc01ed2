/**
 * Formatting image.sh (and the files it sources) with shfmt's rules: one
 * engine for the language server (textDocument/formatting, rangeFormatting)
 * and `makeimg fmt`. A text with a syntax error is never changed.
 */
import type { Range } from '../facts';
import { editorConfigFor } from './editorconfig';
import { resolveShfmtOptions, type EditorIndentation, type FormatSettings } from './options';
import { shfmt, type ShfmtOptions, type ShfmtSyntaxError } from './shfmt';
import { minimalEdits, type TextEdit } from './text-edits';

export { SHFMT_DEFAULTS, warmUpShfmt, type ShfmtOptions, type ShfmtSyntaxError } from './shfmt';
export type { EditorIndentation, FormatSettings } from './options';
export type { TextEdit } from './text-edits';

export type FormatResult = { ok: true; text: string; edits: TextEdit[] } | { ok: false; error: ShfmtSyntaxError; message: string };

/** The options for a file: its .editorconfig (when it is on disk), the editor's indentation, the settings. */
export function formatOptionsFor(file: string | undefined, editor?: EditorIndentation, settings?: Partial<FormatSettings>): ShfmtOptions {
  return resolveShfmtOptions({ editorConfig: file === undefined ? undefined : editorConfigFor(file), editor, settings });
}

/**
 * Format `text`; `range` keeps only the changes on the lines it covers.
 * `name` appears in the message of a syntax error.
 */
export async function formatText(text: string, options: ShfmtOptions, range?: Range, name = 'image.sh'): Promise<FormatResult> {
  // shfmt writes '\n'; a CRLF file keeps its line ends.
  const crlf = /\r\n/.test(text);
  const input = crlf ? text.replace(/\r\n/g, '\n') : text;
  const result = await shfmt(input, options);
  if (!result.ok) {
    const { line, character, message } = result.error;
    return {
      ok: false,
      error: result.error,
      message: `${name} was not formatted: it has a syntax error on line ${line + 1}, column ${character + 1}: ${message}. Fix it, then format again.`,
    };
  }
  const formatted = crlf ? result.text.replace(/\n/g, '\r\n') : result.text;
  return { ok: true, text: formatted, edits: minimalEdits(text, formatted, range && lineSpan(range)) };
}

/** The lines a range covers; a selection that ends at the start of a line does not cover that line. */
function lineSpan(range: Range): { start: number; end: number } {
  const end = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  return { start: range.start.line, end };
}
