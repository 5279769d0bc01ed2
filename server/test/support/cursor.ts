/** Positions in test documents, found by text instead of counted by hand. */
import type { Position } from 'vscode-languageserver-protocol';

/**
 * The position of the `occurrence`-th (1-based) match of `needle` in `text`,
 * plus `offset` characters into it.
 */
export function positionOf(text: string, needle: string, offset = 0, occurrence = 1): Position {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`${JSON.stringify(needle)} occurs fewer than ${occurrence} times`);
  }
  const before = text.slice(0, index + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

/** The range of the `occurrence`-th match of `needle` (or of `part` inside it). */
export function rangeOf(text: string, needle: string, occurrence = 1, part = needle): { start: Position; end: Position } {
  const offset = needle.indexOf(part);
  if (offset < 0) throw new Error(`${JSON.stringify(part)} is not in ${JSON.stringify(needle)}`);
  const start = positionOf(text, needle, offset, occurrence);
  return { start, end: { line: start.line, character: start.character + part.length } };
}
