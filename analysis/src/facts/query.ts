/**
 * Questions rules and features ask of the facts: who calls whom, what is
 * reachable from a hook, which values are certain.
 */
import type { AssignmentFact, CommandFact, DocumentFacts, FunctionFact, UnknownReason } from './model';

/** Reasons that make a value unknown but still leave it one word per element. */
const VALUE_ONLY_REASONS = new Set<UnknownReason>([
  'expansion',
  'command-substitution',
  'arithmetic',
  'process-substitution',
  'tilde',
  'escape',
]);

function assignmentsTo(facts: DocumentFacts, name: string): AssignmentFact[] {
  return facts.assignments.filter((a) => a.name === name);
}

export function functionsNamed(facts: DocumentFacts, name: string): FunctionFact[] {
  return facts.functions.filter((f) => f.name === name);
}

const callGraphs = new WeakMap<DocumentFacts, Map<string | null, Map<string, CommandFact>>>();

/** caller (null: the top level) -> callee -> first call site. Only calls of functions defined in the document. Computed once per facts object. */
export function callGraph(facts: DocumentFacts): Map<string | null, Map<string, CommandFact>> {
  let graph = callGraphs.get(facts);
  if (!graph) callGraphs.set(facts, (graph = buildCallGraph(facts)));
  return graph;
}

function buildCallGraph(facts: DocumentFacts): Map<string | null, Map<string, CommandFact>> {
  const defined = new Set(facts.functions.map((f) => f.name));
  const graph = new Map<string | null, Map<string, CommandFact>>();
  for (const call of facts.commands) {
    if (!defined.has(call.name)) continue;
    let callees = graph.get(call.function);
    if (!callees) graph.set(call.function, (callees = new Map()));
    if (!callees.has(call.name)) callees.set(call.name, call);
  }
  return graph;
}

/**
 * Every function reachable from `root` (a function name, or null for the top
 * level), each with the chain of call sites that reaches it (root itself: []).
 * Breadth-first, so each chain is a shortest one.
 */
export function reachableFrom(
  facts: DocumentFacts,
  root: string | null,
  graph = callGraph(facts),
): Map<string | null, CommandFact[]> {
  const chains = new Map<string | null, CommandFact[]>([[root, []]]);
  const queue: (string | null)[] = [root];
  while (queue.length > 0) {
    const caller = queue.shift() as string | null;
    const chain = chains.get(caller) ?? [];
    for (const [callee, site] of graph.get(caller) ?? []) {
      if (chains.has(callee)) continue;
      chains.set(callee, [...chain, site]);
      queue.push(callee);
    }
  }
  return chains;
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
  const reachable = reachableFrom(facts, null);
  return facts.sources.some((s) => reachable.has(s.function));
}

/**
 * Assignments the top level of the script can execute: at the top level
 * itself, or in a function the top level calls (directly or indirectly).
 */
export function topLevelAssignmentsTo(facts: DocumentFacts, name: string): AssignmentFact[] {
  const reachable = reachableFrom(facts, null);
  return assignmentsTo(facts, name).filter(
    (a) => a.form !== 'command-prefix' && a.declaration !== 'local' && reachable.has(a.function),
  );
}
