/** Where a position sits: which function body. */
import type { DocumentFacts, FunctionFact, Position } from '../../../analysis/src/facts';
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
