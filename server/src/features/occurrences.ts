/**
 * Which variable or function sits at a position, and where else the same
 * symbol occurs: the base of definition, references, highlights and rename.
 *
 * Scope follows bash: a variable declared with `local` (or `declare`/`typeset`
 * without -g) inside a function belongs to that function; every other use of
 * the name is the script-level variable. Functions are global.
 */
import { HOOKS, NON_HOOKS } from '../../../shared/contract';
import type { AssignmentFact, DocumentFacts, Position, Range } from '../../../analysis/src/facts';
import { nameArguments } from './name-arguments';
import { comparePositions, spansExactly, touches } from './positions';

export interface SymbolAt {
  kind: 'variable' | 'function';
  name: string;
  /** The name under the cursor. */
  range: Range;
  /** The function the cursor sits in (null: top level). */
  function: string | null;
}

export interface Occurrence {
  range: Range;
  /** definition: function definition or value-less declaration; write: assignment; read: use or call. */
  role: 'definition' | 'write' | 'read';
}

const CONTRACT_FUNCTIONS = new Set([...HOOKS.map((h) => h.name), ...NON_HOOKS.map((n) => n.name)]);

export function symbolAt(facts: DocumentFacts, position: Position): SymbolAt | undefined {
  for (const r of facts.references) {
    if (touches(r.range, position)) return { kind: 'variable', name: r.name, range: r.range, function: r.function };
  }
  for (const a of facts.assignments) {
    if (touches(a.nameRange, position)) return { kind: 'variable', name: a.name, range: a.nameRange, function: a.function };
  }
  for (const f of facts.functions) {
    if (touches(f.nameRange, position)) return { kind: 'function', name: f.name, range: f.nameRange, function: f.function };
  }
  for (const n of nameArguments(facts)) {
    if (touches(n.range, position)) return { kind: 'variable', name: n.name, range: n.range, function: n.function };
  }
  const defined = new Set(facts.functions.map((f) => f.name));
  for (const c of facts.commands) {
    if (!touches(c.nameRange, position)) continue;
    if (!defined.has(c.name) && !CONTRACT_FUNCTIONS.has(c.name)) return undefined;
    if (!spansExactly(c.nameRange, c.name.length)) return undefined;
    return { kind: 'function', name: c.name, range: c.nameRange, function: c.function };
  }
  return undefined;
}

/** `local x`, or `declare x` / `typeset x` inside a function (local unless -g). */
export function isLocalDeclaration(a: AssignmentFact): boolean {
  if (a.function === null || a.form !== 'declaration') return false;
  if (a.declaration === 'local') return true;
  return (a.declaration === 'declare' || a.declaration === 'typeset') && !a.declarationFlags.some((f) => /^-\w*g/.test(f));
}

/** Functions that declare `name` local. */
export function localScopes(facts: DocumentFacts, name: string): Set<string> {
  const scopes = new Set<string>();
  for (const a of facts.assignments) if (a.name === name && isLocalDeclaration(a)) scopes.add(a.function as string);
  return scopes;
}

/** Whether a fact in function `where` sees the same variable as the cursor in function `from`. */
function sameVariableScope(locals: Set<string>, from: string | null, where: string | null): boolean {
  const owner = from !== null && locals.has(from) ? from : null;
  return owner !== null ? where === owner : where === null || !locals.has(where);
}

export function occurrences(facts: DocumentFacts, symbol: Pick<SymbolAt, 'kind' | 'name' | 'function'>): Occurrence[] {
  const found: Occurrence[] = [];
  if (symbol.kind === 'function') {
    for (const f of facts.functions) if (f.name === symbol.name) found.push({ range: f.nameRange, role: 'definition' });
    for (const c of facts.commands) {
      if (c.name === symbol.name && spansExactly(c.nameRange, c.name.length)) found.push({ range: c.nameRange, role: 'read' });
    }
    return sortByPosition(found);
  }
  const locals = localScopes(facts, symbol.name);
  const visible = (where: string | null) => sameVariableScope(locals, symbol.function, where);
  for (const a of facts.assignments) {
    if (a.name !== symbol.name || !visible(a.function)) continue;
    found.push({ range: a.nameRange, role: a.operator === 'none' ? 'definition' : 'write' });
  }
  for (const r of facts.references) {
    if (r.name === symbol.name && visible(r.function)) found.push({ range: r.range, role: 'read' });
  }
  // `read x`, `mapfile x`, `printf -v x` set the variable.
  for (const n of nameArguments(facts)) {
    if (n.name === symbol.name && visible(n.function)) found.push({ range: n.range, role: 'write' });
  }
  return sortByPosition(found);
}

function sortByPosition(found: Occurrence[]): Occurrence[] {
  return found.sort((a, b) => comparePositions(a.range.start, b.range.start));
}

/** Where the symbol gets defined: function definitions, or the assignments and declarations of the variable. */
export function definitions(facts: DocumentFacts, symbol: Pick<SymbolAt, 'kind' | 'name' | 'function'>): Occurrence[] {
  return occurrences(facts, symbol).filter((o) => o.role !== 'read');
}
