/**
 * textDocument/formatting and rangeFormatting: shfmt's rules through the
 * analysis core's engine (analysis/src/format), as minimal edits. A document
 * with a syntax error gets no edits and a message saying where the error is.
 */
import { fileURLToPath } from 'node:url';
import type { FormattingOptions, Position, Range, TextEdit } from 'vscode-languageserver';
import { formatOptionsFor, formatText } from '../../../analysis/src/format';
import { pointAt, rowStarts } from '../../../analysis/src/parser';
import type { FormatSettings } from '../../../shared/ids-and-settings';
import type { OpenDocument } from '../documents';

export type FormattingOutcome = { edits: TextEdit[] } | { edits: null; message: string };

export async function formatDocument(
  document: OpenDocument,
  editor: FormattingOptions,
  settings: FormatSettings,
  range?: Range,
): Promise<FormattingOutcome> {
  const file = document.uri.startsWith('file:') ? fileURLToPath(document.uri) : undefined;
  const options = formatOptionsFor(file, { tabSize: editor.tabSize, insertSpaces: editor.insertSpaces }, settings);
  const text = document.textDocument.getText();
  const version = document.version;
  // The engine counts lines by '\n' as bash does; LSP also breaks at a lone '\r'.
  const starts = rowStarts(text);
  const toScript = (p: Position) => {
    const point = pointAt(starts, document.textDocument.offsetAt(p));
    return { line: point.row, character: point.column };
  };
  const toLsp = (p: Position) => document.textDocument.positionAt((starts[p.line] ?? text.length) + p.character);
  const name = file === undefined ? 'The document' : file.slice(file.lastIndexOf('/') + 1);
  const result = await formatText(text, options, range && { start: toScript(range.start), end: toScript(range.end) }, name);
  // An edit while shfmt ran: these edits would apply to a text that is gone.
  if (document.version !== version) return { edits: [] };
  if (!result.ok) return { edits: null, message: result.message };
  return { edits: result.edits.map((e) => ({ range: { start: toLsp(e.range.start), end: toLsp(e.range.end) }, newText: e.newText })) };
}
