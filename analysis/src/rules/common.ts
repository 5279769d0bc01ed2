/** Helpers shared by several rules. */
import type { AssignmentFact, DocumentFacts, Range } from '../facts';
import { hasUnseenCode } from '../facts';

/**
 * Whether "X is missing" can be said: no `source`/`eval` that could define X,
 * and no syntax error (an unparsable region, or an unclosed quote or brace
 * that swallows the rest of the file, could hide it).
 */
export function canJudgeAbsence(facts: DocumentFacts): boolean {
  return !hasUnseenCode(facts) && facts.syntaxErrors.length === 0;
}

/** Assignments that give a script-level variable a value (not `local`, not `X=1 cmd`). */
export function globalAssignments(facts: DocumentFacts, name: string): AssignmentFact[] {
  return facts.assignments.filter((a) => a.name === name && a.declaration !== 'local' && a.form !== 'command-prefix');
}

export function lineOf(range: Range): number {
  return range.start.line + 1;
}

/** "a, b or c" */
export function alternatives(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** `"text"` shortened for messages. */
export function quote(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return JSON.stringify(oneLine.length > max ? oneLine.slice(0, max) + '...' : oneLine);
}
