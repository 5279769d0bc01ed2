/**
 * Who calls whom, and which functions a root (a hook, or the top level)
 * reaches through which calls: the one call-graph traversal that rules and
 * editor features share. Breadth-first with parent links, so each chain is a
 * shortest one and the work is linear in the calls; everything is cached per
 * facts object (one per document version).
 */
import { HOOKS, type HookSpec } from '../../../shared/contract';
import type { CommandFact, DocumentFacts, FunctionFact, Range } from './model';

/** caller (null: the top level) -> callee -> first call site. */
export type CallGraph = Map<string | null, Map<string, CommandFact>>;

/**
 * How the root first reaches a function. `first`, `site` and `depth`
 * describe the chain without building it (chains can be thousands of calls long).
 */
export interface Reach {
  /** The call that reaches this function (null for the root). */
  site: CommandFact | null;
  /** The first call of the chain, made by the root (null for the root). */
  first: CommandFact | null;
  /** Calls from the root to here. */
  depth: number;
}

/** Function reached from the root -> how (site null: the root itself). */
export type CallParents = Map<string | null, Reach>;

const cache = new WeakMap<DocumentFacts, { graph: CallGraph; parents: Map<string, CallParents> }>();

function entryOf(facts: DocumentFacts): { graph: CallGraph; parents: Map<string, CallParents> } {
  let entry = cache.get(facts);
  if (!entry) cache.set(facts, (entry = { graph: buildCallGraph(facts), parents: new Map() }));
  return entry;
}

/**
 * The calls between functions defined in the document (calls of anything
 * else are not edges), made from definitions that run: a function defined
 * twice runs its last definition.
 */
export function callGraph(facts: DocumentFacts): CallGraph {
  return entryOf(facts).graph;
}

function buildCallGraph(facts: DocumentFacts): CallGraph {
  const defined = new Set(facts.functions.map((f) => f.name));
  const dead = replacedDefinitions(facts);
  const graph: CallGraph = new Map();
  for (const call of facts.commands) {
    if (!defined.has(call.name) || (dead.length > 0 && insideAny(dead, call.range))) continue;
    let callees = graph.get(call.function);
    if (!callees) graph.set(call.function, (callees = new Map()));
    if (!callees.has(call.name)) callees.set(call.name, call);
  }
  return graph;
}

/**
 * Every function `root` reaches (a function name, or null for the top
 * level), with how it is first reached. `blocked` functions (the root too)
 * are reached but not walked through, e.g. those that set a variable for
 * the functions they call.
 */
export function callParents(facts: DocumentFacts, root: string | null, blocked?: ReadonlySet<string>): CallParents {
  const entry = entryOf(facts);
  const key = `${root ?? ''}\u0000${blocked ? [...blocked].sort().join(',') : ''}`;
  const known = entry.parents.get(key);
  if (known) return known;
  const parents: CallParents = new Map([[root, { site: null, first: null, depth: 0 }]]);
  const queue: (string | null)[] = [root];
  for (let i = 0; i < queue.length; i++) {
    const caller = queue[i];
    if (caller !== null && blocked?.has(caller)) continue;
    const reach = parents.get(caller)!;
    for (const [callee, site] of entry.graph.get(caller) ?? []) {
      if (parents.has(callee)) continue;
      parents.set(callee, { site, first: reach.first ?? site, depth: reach.depth + 1 });
      queue.push(callee);
    }
  }
  entry.parents.set(key, parents);
  return parents;
}

/** The calls from the root to `name`, in order (empty for the root itself and for functions it does not reach). */
export function callChain(parents: CallParents, name: string | null): CommandFact[] {
  const chain: CommandFact[] = [];
  for (let site = parents.get(name)?.site; site; site = parents.get(site.function)?.site ?? null) chain.push(site);
  return chain.reverse();
}

/**
 * The chain from `root` to `name` as text: `a -> b -> c`, or for a long
 * chain its first and last links and the number of calls
 * (`do_postinstall -> f0 -> ... -> f19999 -> f20000, 20,001 calls`).
 */
export function chainText(root: string, parents: CallParents, name: string, maxNames = 6): string {
  const reach = parents.get(name);
  if (!reach || reach.depth === 0) return root;
  if (reach.depth + 1 <= maxNames) return [root, ...callChain(parents, name).map((c) => c.name)].join(' -> ');
  const caller = reach.site!.function ?? 'top level';
  return `${root} -> ${reach.first!.name} -> ... -> ${caller} -> ${name}, ${reach.depth.toLocaleString('en-US')} calls`;
}

const replaced = new WeakMap<DocumentFacts, FunctionFact[]>();

/**
 * Definitions that never run: a later, unconditional definition of the same
 * name at the same level replaces them (bash keeps the last one).
 */
export function replacedDefinitions(facts: DocumentFacts): FunctionFact[] {
  let dead = replaced.get(facts);
  if (dead) return dead;
  dead = [];
  const last = new Map<string, FunctionFact>();
  for (let i = facts.functions.length - 1; i >= 0; i--) {
    const f = facts.functions[i];
    const key = `${f.function ?? ''}\u0000${f.name}`;
    const later = last.get(key);
    if (later && !later.conditional) dead.push(f);
    else if (!f.conditional) last.set(key, f);
  }
  replaced.set(facts, dead);
  return dead;
}

/** Whether something at `range` sits in a definition that never runs. */
export function inReplacedDefinition(facts: DocumentFacts, range: Range): boolean {
  const dead = replacedDefinitions(facts);
  return dead.length > 0 && insideAny(dead, range);
}

function insideAny(definitions: readonly FunctionFact[], range: Range): boolean {
  return definitions.some((d) => contains(d.range, range));
}

function contains(outer: Range, inner: Range): boolean {
  const notAfter = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return notAfter(outer.start, inner.start) && notAfter(inner.end, outer.end);
}

/** The hooks whose run reaches function `name` (the hook itself, or a function it calls). */
export function hooksReaching(facts: DocumentFacts, name: string | null): HookSpec[] {
  if (name === null) return [];
  return HOOKS.filter((h) => callParents(facts, h.name).has(name));
}
