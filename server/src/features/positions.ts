/** Position and range arithmetic on facts positions (zero-based, UTF-16). */
import type { Position, Range } from '../../../analysis/src/facts';

/** The text of one line of the document (facts line numbers). */
export type LineText = (line: number) => string;

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** `position` lies in `range`, both ends included (a cursor right after a name is on it). */
export function touches(range: Range, position: Position): boolean {
  return comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) <= 0;
}

/** `position` lies strictly between the first and the last character of `range` (inside brackets). */
export function strictlyInside(range: Range, position: Position): boolean {
  return comparePositions(range.start, position) < 0 && comparePositions(position, range.end) < 0;
}

/** The smallest range covering all of `ranges` (which must not be empty). */
export function union(ranges: readonly Range[]): Range {
  let start = ranges[0].start;
  let end = ranges[0].end;
  for (const r of ranges) {
    if (comparePositions(r.start, start) < 0) start = r.start;
    if (comparePositions(r.end, end) > 0) end = r.end;
  }
  return { start, end };
}

/** The range covers exactly `length` characters on one line (a name written without quotes). */
export function spansExactly(range: Range, length: number): boolean {
  return range.start.line === range.end.line && range.end.character - range.start.character === length;
}
