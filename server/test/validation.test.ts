/** The diagnostics delay derived from a document's analysis cost (pure logic; the protocol side is in protocol.test.ts). */
import assert from 'node:assert/strict';
import { CHEAP_ANALYSIS_MS, diagnosticsDelayFor, MAX_DERIVED_DELAY_MS } from '../src/validation';

describe('diagnostics delay derived from the analysis cost', () => {
  it('analyses cheap and not yet measured documents on the next tick', () => {
    assert.equal(diagnosticsDelayFor(undefined), 0);
    assert.equal(diagnosticsDelayFor(2), 0);
    assert.equal(diagnosticsDelayFor(CHEAP_ANALYSIS_MS - 0.1), 0);
  });

  it('lets expensive documents wait about as long as an analysis takes, up to a bound', () => {
    assert.equal(diagnosticsDelayFor(CHEAP_ANALYSIS_MS), CHEAP_ANALYSIS_MS);
    assert.equal(diagnosticsDelayFor(42.3), 43);
    assert.equal(diagnosticsDelayFor(5000), MAX_DERIVED_DELAY_MS);
  });
});
