/**
 * Attaches the comment block directly above each function definition and
 * assignment statement (the documentation hover shows).
 */
import { rowStarts } from '../parser';
import type { CommentBlock, CommentFact, DocumentFacts, Range } from './model';

export function attachComments(facts: DocumentFacts, text: string): void {
  if (facts.comments.length === 0) return;
  const starts = rowStarts(text);
  const isAlone = (line: number, character: number): boolean =>
    text.slice(starts[line], starts[line] + character).trim() === '';
  // Whole-line comments by line.
  const byLine = new Map<number, CommentFact>();
  for (const c of facts.comments) {
    if (c.range.start.line < starts.length && isAlone(c.range.start.line, c.range.start.character)) {
      byLine.set(c.range.start.line, c);
    }
  }
  if (byLine.size === 0) return;
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
    const comment = blockAbove(f.range);
    if (comment) f.comment = comment;
  }
  for (const a of facts.assignments) {
    if (a.form !== 'plain' && a.form !== 'declaration') continue;
    const comment = blockAbove(a.statementRange);
    if (comment) a.comment = comment;
  }
}
