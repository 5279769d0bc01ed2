/**
 * Who calls whom, and which functions a root (a hook, or the top level)
 * reaches through which calls: the one call-graph traversal that rules and
 * editor features share. Breadth-first with parent links, so each chain is a
 * shortest one and the work is linear in the calls; everything is cached per
 * facts object (one per document version).
 */
import { HOOKS, type HookSpec } from '../../../shared/contract';
import type { CommandFact, DocumentFacts } from './model';

/** caller (null: the top level) -> callee -> first call site. */
export type CallGraph = Map<string | null, Map<string, CommandFact>>;
/** Function reached from the root -> the call that first reaches it (null: the root itself). */
export type CallParents = Map<string | null, CommandFact | null>;

const cache = new WeakMap<DocumentFacts, { graph: CallGraph; parents: Map<string | null, CallParents> }>();

function entryOf(facts: DocumentFacts): { graph: CallGraph; parents: Map<string | null, CallParents> } {
  let entry = cache.get(facts);
  if (!entry) cache.set(facts, (entry = { graph: buildCallGraph(facts), parents: new Map() }));
  return entry;
}

/** The calls between functions defined in the document (calls of anything else are not edges). */
export function callGraph(facts: DocumentFacts): CallGraph {
  return entryOf(facts).graph;
}

function buildCallGraph(facts: DocumentFacts): CallGraph {
  const defined = new Set(facts.functions.map((f) => f.name));
  const graph: CallGraph = new Map();
  for (const call of facts.commands) {
    if (!defined.has(call.name)) continue;
    let callees = graph.get(call.function);
    if (!callees) graph.set(call.function, (callees = new Map()));
    if (!callees.has(call.name)) callees.set(call.name, call);
  }
  return graph;
}

/** Every function `root` reaches (a function name, or null for the top level), with the call that first reaches it. */
export function callParents(facts: DocumentFacts, root: string | null): CallParents {
  const entry = entryOf(facts);
  const known = entry.parents.get(root);
  if (known) return known;
  const parents: CallParents = new Map([[root, null]]);
  const queue: (string | null)[] = [root];
  for (let i = 0; i < queue.length; i++) {
    for (const [callee, site] of entry.graph.get(queue[i]) ?? []) {
      if (parents.has(callee)) continue;
      parents.set(callee, site);
      queue.push(callee);
    }
  }
  entry.parents.set(root, parents);
  return parents;
}

/** The calls from the root to `name`, in order (empty for the root itself and for functions it does not reach). */
export function callChain(parents: CallParents, name: string | null): CommandFact[] {
  const chain: CommandFact[] = [];
  for (let site = parents.get(name); site; site = parents.get(site.function)) chain.unshift(site);
  return chain;
}

/** The hooks whose run reaches function `name` (the hook itself, or a function it calls). */
export function hooksReaching(facts: DocumentFacts, name: string | null): HookSpec[] {
  if (name === null) return [];
  return HOOKS.filter((h) => callParents(facts, h.name).has(name));
}
