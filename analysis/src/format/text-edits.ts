/**
 * The smallest edits that turn a text into its formatted version: a line diff
 * (Myers), and inside a block of changed lines that keeps its line count,
 * one edit per line trimmed to what changed (usually the indentation). So
 * cursors, folds and breakpoints on untouched lines stay where they are.
 */
import type { Range } from '../facts';

export interface TextEdit {
  range: Range;
  newText: string;
}

/** Beyond this many differing lines the diff gives up finding the alignment and replaces the block. */
const MAX_DIFF_DISTANCE = 1000;

interface Hunk {
  /** Lines [oldStart, oldEnd) of the old text become lines [newStart, newEnd) of the new. */
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

function splitLines(text: string): string[] {
  return text.split('\n');
}

/** Edits (old-text coordinates, ascending) from `before` to `after`; `lines`: only hunks touching these old lines. */
export function minimalEdits(before: string, after: string, lines?: { start: number; end: number }): TextEdit[] {
  if (before === after) return [];
  const a = splitLines(before);
  const b = splitLines(after);
  const edits: TextEdit[] = [];
  for (const hunk of diffLines(a, b)) {
    if (lines && !touches(hunk, lines)) continue;
    edits.push(...hunkEdits(a, b, hunk, lines));
  }
  return edits;
}

function touches(hunk: Hunk, lines: { start: number; end: number }): boolean {
  if (hunk.oldStart === hunk.oldEnd) return hunk.oldStart >= lines.start && hunk.oldStart <= lines.end + 1;
  return hunk.oldStart <= lines.end && hunk.oldEnd > lines.start;
}

/** `byContent`: the hunk's lines already differ in their words (no second pairing). */
function hunkEdits(a: string[], b: string[], h: Hunk, lines?: { start: number; end: number }, byContent = false): TextEdit[] {
  const oldCount = h.oldEnd - h.oldStart;
  if (oldCount > 0 && oldCount === h.newEnd - h.newStart) {
    const edits: TextEdit[] = [];
    for (let i = 0; i < oldCount; i++) {
      const line = h.oldStart + i;
      if (!inLines(line, lines)) continue;
      const edit = lineEdit(h.oldStart + i, a[h.oldStart + i], b[h.newStart + i]);
      if (edit) edits.push(edit);
    }
    return edits;
  }
  if (oldCount > 0 && h.newEnd > h.newStart && !byContent) {
    // Lines joined or split (`f()` + `{` -> `f() {`): pair the lines whose words are unchanged, so re-indented lines get small edits.
    const aPart = a.slice(h.oldStart, h.oldEnd);
    const bPart = b.slice(h.newStart, h.newEnd);
    const inner = diffLines(aPart.map(withoutSpaces), bPart.map(withoutSpaces));
    const pairs: TextEdit[] = [];
    let i = 0;
    let j = 0;
    const emitPaired = (untilOld: number, untilNew: number) => {
      for (; i < untilOld && j < untilNew; i++, j++) {
        const edit = lineEdit(h.oldStart + i, aPart[i], bPart[j]);
        if (edit && inLines(h.oldStart + i, lines)) pairs.push(edit);
      }
    };
    for (const sub of inner) {
      emitPaired(sub.oldStart, sub.newStart);
      const shifted: Hunk = {
        oldStart: h.oldStart + sub.oldStart,
        oldEnd: h.oldStart + sub.oldEnd,
        newStart: h.newStart + sub.newStart,
        newEnd: h.newStart + sub.newEnd,
      };
      if (!lines || touches(shifted, lines)) pairs.push(...hunkEdits(a, b, shifted, lines, true));
      i = sub.oldEnd;
      j = sub.newEnd;
    }
    emitPaired(aPart.length, bPart.length);
    return pairs;
  }
  return blockEdits(a, b, h);
}

function inLines(line: number, lines?: { start: number; end: number }): boolean {
  return !lines || (line >= lines.start && line <= lines.end);
}

function withoutSpaces(line: string): string {
  return line.replace(/\s+/g, '');
}

/** Replace whole lines [oldStart, oldEnd) by the new ones. */
function blockEdits(a: string[], b: string[], h: Hunk): TextEdit[] {
  const inserted = b.slice(h.newStart, h.newEnd);
  if (h.oldStart === h.oldEnd) {
    // Pure insertion before old line oldStart (or after the last line).
    if (h.oldStart < a.length) return [insertAt(h.oldStart, 0, inserted.map((l) => l + '\n').join(''))];
    const last = a.length - 1;
    return [insertAt(last, a[last].length, inserted.map((l) => '\n' + l).join(''))];
  }
  if (h.newStart === h.newEnd) {
    // Pure deletion of whole lines (with their line breaks).
    if (h.oldEnd < a.length) return [{ range: span(h.oldStart, 0, h.oldEnd, 0), newText: '' }];
    const from = h.oldStart - 1;
    return [{ range: span(from, a[from].length, h.oldEnd - 1, a[h.oldEnd - 1].length), newText: '' }];
  }
  const end = h.oldEnd - 1;
  return [{ range: span(h.oldStart, 0, end, a[end].length), newText: inserted.join('\n') }];
}

/** One changed line, trimmed to the differing middle. */
function lineEdit(line: number, before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  return { range: span(line, start, line, endBefore), newText: after.slice(start, endAfter) };
}

function insertAt(line: number, character: number, newText: string): TextEdit {
  return { range: span(line, character, line, character), newText };
}

function span(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

/** Changed blocks between two line arrays, in order. */
export function diffLines(a: readonly string[], b: readonly string[]): Hunk[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const aMid = a.slice(prefix, a.length - suffix);
  const bMid = b.slice(prefix, b.length - suffix);
  if (aMid.length === 0 && bMid.length === 0) return [];
  const matches = myers(aMid, bMid);
  if (!matches) return [{ oldStart: prefix, oldEnd: prefix + aMid.length, newStart: prefix, newEnd: prefix + bMid.length }];
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  for (const [mi, mj] of [...matches, [aMid.length, bMid.length] as [number, number]]) {
    if (mi > i || mj > j) hunks.push({ oldStart: prefix + i, oldEnd: prefix + mi, newStart: prefix + j, newEnd: prefix + mj });
    i = mi + 1;
    j = mj + 1;
  }
  return hunks;
}

/** Matching line pairs of a shortest edit script (Myers' O(ND)), or undefined past MAX_DIFF_DISTANCE. */
function myers(a: readonly string[], b: readonly string[]): [number, number][] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_DIFF_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, d);
    }
  }
  return undefined;
}

function backtrack(trace: Int32Array[], a: readonly string[], b: readonly string[], dEnd: number): [number, number][] {
  const matches: [number, number][] = [];
  let x = a.length;
  let y = b.length;
  for (let d = dEnd; d > 0; d--) {
    // trace[d] holds V before round d, for k in [-d-1, d+1] at index k + d + 1.
    const v = trace[d];
    const at = (k: number) => v[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      matches.push([x, y]);
    }
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    matches.push([x, y]);
  }
  return matches.reverse();
}
