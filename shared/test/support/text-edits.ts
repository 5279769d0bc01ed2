/** What an editor does with text edits, for tests of the formatter, rename and fixes. */

interface Edit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

/**
 * Apply non-overlapping edits (LSP positions, '\n' line breaks) as a client
 * does: all against the original text; inserts at one position keep their
 * array order.
 */
export function applyTextEdits(text: string, edits: readonly Edit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) =>
    p.line >= lineStarts.length ? text.length : Math.min(lineStarts[p.line] + p.character, text.length);
  const sorted = edits.map((edit, index) => ({ edit, index }));
  sorted.sort((a, b) => offset(b.edit.range.start) - offset(a.edit.range.start) || b.index - a.index);
  let result = text;
  for (const { edit } of sorted) {
    result = result.slice(0, offset(edit.range.start)) + edit.newText + result.slice(offset(edit.range.end));
  }
  return result;
}
