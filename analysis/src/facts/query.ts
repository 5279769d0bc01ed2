/**
 * Questions rules and features ask of the facts: which values are certain,
 * which assignments makeimg sees (who calls whom: call-graph.ts).
 */
import { callParents } from './call-graph';
import { SOURCED_LINE_BASE, type AssignmentFact, type DocumentFacts, type FunctionFact, type Position, type UnknownReason } from './model';

/** Reasons that make a value unknown but still leave it one word per element. */
const VALUE_ONLY_REASONS = new Set<UnknownReason>([
  'expansion',
  'command-substitution',
  'arithmetic',
  'process-substitution',
  'tilde',
  'escape',
]);

/**
 * The assignments makeimg can see: those that leave a value in the shell
 * that sources image.sh (not `local`, not `X=1 cmd`, not in a subshell or
 * pipeline). All of them, or those of `name`. Callers narrow further by
 * what they ask (`a.function === null`, `a.form`, reachability).
 */
export function visibleAssignments(facts: DocumentFacts, name?: string): AssignmentFact[] {
  const index = visibleIndex(facts.assignments);
  return [...(name === undefined ? index.all : (index.byName.get(name) ?? []))];
}

interface VisibleIndex {
  length: number;
  all: AssignmentFact[];
  byName: Map<string, AssignmentFact[]>;
}

/**
 * The visible assignments by name, once per assignments array: rules and
 * features ask for many names, and a filter over all assignments per
 * question cost milliseconds per keystroke in an 800 KB file.
 */
const visibleIndexes = new WeakMap<readonly AssignmentFact[], VisibleIndex>();

function visibleIndex(assignments: readonly AssignmentFact[]): VisibleIndex {
  const known = visibleIndexes.get(assignments);
  if (known && known.length === assignments.length) return known;
  const all = assignments.filter((a) => a.declaration !== 'local' && a.form !== 'command-prefix' && !a.unknown.includes('subshell'));
  const byName = new Map<string, AssignmentFact[]>();
  for (const a of all) {
    const list = byName.get(a.name);
    if (list) list.push(a);
    else byName.set(a.name, [a]);
  }
  const index = { length: assignments.length, all, byName };
  visibleIndexes.set(assignments, index);
  return index;
}

export function functionsNamed(facts: DocumentFacts, name: string): FunctionFact[] {
  return facts.functions.filter((f) => f.name === name);
}

/**
 * The number of elements an array assignment certainly produces: it runs
 * unconditionally at the top level with `=`, and every element is one word.
 */
export function knownElementCount(a: AssignmentFact): number | undefined {
  if (a.kind !== 'array' || !a.elements || a.operator !== '=') return undefined;
  if (!a.unknown.every((r) => VALUE_ONLY_REASONS.has(r))) return undefined;
  if (!a.elements.every((e) => e.singleWord && e.index === undefined)) return undefined;
  return a.elements.length;
}

/** `source`/`.`/`eval` that may run at the top level: they can define anything. */
export function hasUnseenCode(facts: DocumentFacts): boolean {
  if (facts.sources.length === 0) return false;
  const reachable = callParents(facts, null);
  return facts.sources.some((s) => !s.followed && reachable.has(s.function));
}

/**
 * Assignments the top level of the script can execute: at the top level
 * itself, or in a function the top level calls (directly or indirectly).
 */
export function topLevelAssignmentsTo(facts: DocumentFacts, name: string): AssignmentFact[] {
  const reachable = callParents(facts, null);
  return visibleAssignments(facts, name).filter((a) => reachable.has(a.function));
}

/** The one-based line number of `position` as bash counts lines (what messages name). */
export function scriptLineNumber(facts: DocumentFacts, position: Position): number {
  // A sourced file's fact (combined facts): its own line.
  if (position.line >= SOURCED_LINE_BASE) return (position.line % SOURCED_LINE_BASE) + 1;
  return (facts.scriptLines?.[position.line] ?? position.line) + 1;
}
