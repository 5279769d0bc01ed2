/** Helpers shared by several rules. */
import type { AssignmentFact, DocumentFacts, Range } from '../facts';
import { hasUnseenCode, scriptLineNumber } from '../facts';

/**
 * Whether "X is missing" can be said: no `source`/`eval` that could define X,
 * and no syntax error (an unparsable region, or an unclosed quote or brace
 * that swallows the rest of the file, could hide it).
 */
export function canJudgeAbsence(facts: DocumentFacts): boolean {
  return !hasUnseenCode(facts) && facts.syntaxErrors.length === 0;
}

/** The one-based line where `range` starts, as bash counts lines. */
export function lineOf(facts: DocumentFacts, range: Range): number {
  return scriptLineNumber(facts, range.start);
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
