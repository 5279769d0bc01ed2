/** Where a position sits: which function body, and where that code runs. */
import { HOOKS, type HookSpec } from '../../../shared/contract';
import { reachableFrom, type DocumentFacts, type FunctionFact, type Position } from '../facts';
import { comparePositions, strictlyInside } from './positions';

/** The innermost function whose body contains the position. */
export function enclosingFunction(facts: DocumentFacts, position: Position): FunctionFact | undefined {
  let best: FunctionFact | undefined;
  for (const f of facts.functions) {
    if (!strictlyInside(f.bodyRange, position)) continue;
    if (!best || comparePositions(f.bodyRange.start, best.bodyRange.start) > 0) best = f;
  }
  return best;
}

/** The hooks whose run reaches function `name` (the hook itself, or a function it calls). */
export function hooksReaching(facts: DocumentFacts, name: string | null): HookSpec[] {
  if (name === null) return [];
  return HOOKS.filter((h) => reachableFrom(facts, h.name).has(name));
}
