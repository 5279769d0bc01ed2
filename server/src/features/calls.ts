/**
 * Which functions a hook reaches, and through which calls, cached per facts
 * object (one per document version). Breadth-first with parent links: linear
 * in the calls, even for long chains of helpers calling helpers.
 */
import { HOOKS, type HookSpec } from '../../../shared/contract';
import { callGraph, type CommandFact, type DocumentFacts } from '../../../analysis/src/facts';

/** Function -> the call that first reaches it from the root (null: the root itself). */
export type CallParents = Map<string | null, CommandFact | null>;

const cache = new WeakMap<DocumentFacts, { graph: ReturnType<typeof callGraph>; parents: Map<string | null, CallParents> }>();

export function callParents(facts: DocumentFacts, root: string | null): CallParents {
  let entry = cache.get(facts);
  if (!entry) cache.set(facts, (entry = { graph: callGraph(facts), parents: new Map() }));
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

/** The calls from the root to `name`, in order (empty for the root itself). */
export function callChain(parents: CallParents, name: string): CommandFact[] {
  const chain: CommandFact[] = [];
  for (let site = parents.get(name); site; site = parents.get(site.function)) chain.unshift(site);
  return chain;
}

/** The hooks whose run reaches function `name` (the hook itself, or a function it calls). */
export function hooksReaching(facts: DocumentFacts, name: string | null): HookSpec[] {
  if (name === null) return [];
  return HOOKS.filter((h) => callParents(facts, h.name).has(name));
}
