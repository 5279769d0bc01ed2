/**
 * Attaches the comment block directly above each function definition and
 * assignment statement (the documentation hover shows).
 */
import { rowStarts } from '../parser';
import type { CommentBlock, CommentFact, DocumentFacts, Range } from './model';

/** Sets (or clears) `comment` on functions and assignments; facts objects are reused between builds, so stale comments must go. */
export function attachComments(facts: DocumentFacts, text: string): void {
  const starts = rowStarts(text);
  const isAlone = (line: number, character: number): boolean => text.slice(starts[line], starts[line] + character).trim() === '';
  // Whole-line comments by line.
  const byLine = new Map<number, CommentFact>();
  for (const c of facts.comments) {
    if (c.range.start.line < starts.length && isAlone(c.range.start.line, c.range.start.character)) {
      byLine.set(c.range.start.line, c);
    }
  }
  const blockAbove = (statement: Range): CommentBlock | undefined => {
    const line = statement.start.line;
    if (!isAlone(line, statement.start.character)) return undefined;
    const lines: CommentFact[] = [];
    for (let row = line - 1; byLine.has(row); row--) lines.unshift(byLine.get(row) as CommentFact);
    if (lines.length === 0) return undefined;
    return {
      text: lines.map((c) => c.text.replace(/^#\s?/, '')).join('\n'),
      range: { start: lines[0].range.start, end: lines[lines.length - 1].range.end },
    };
  };
  for (const f of facts.functions) {
    const comment = byLine.size > 0 ? blockAbove(f.range) : undefined;
    if (comment) f.comment = comment;
    else delete f.comment;
  }
  for (const a of facts.assignments) {
    const comment = byLine.size > 0 && (a.form === 'plain' || a.form === 'declaration') ? blockAbove(a.statementRange) : undefined;
    if (comment) a.comment = comment;
    else delete a.comment;
  }
}
