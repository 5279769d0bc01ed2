/** The diagnostics delay derived from a document's analysis cost (pure logic; the protocol side is in protocol.test.ts). */
import assert from 'node:assert/strict';
import { CHEAP_ANALYSIS_MS, COST_SAMPLES, diagnosticsDelayFor, MAX_DERIVED_DELAY_MS, typicalCost } from '../src/validation';

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

  it('takes the typical cost of the recent analyses after edits: one slow analysis does not delay the next keystrokes', () => {
    assert.equal(typicalCost([]), undefined);
    assert.equal(typicalCost([12]), 12);
    // A keystroke that broke the syntax cost 280 ms; the next keystroke is still analysed at the usual delay.
    assert.equal(typicalCost([14, 15, 280]), 15);
    assert.equal(diagnosticsDelayFor(typicalCost([14, 15, 280, 300])), 15);
    // Only the last COST_SAMPLES count: a document that became expensive is treated as such.
    assert.equal(typicalCost([...new Array<number>(10).fill(2), ...new Array<number>(COST_SAMPLES).fill(90)]), 90);
  });
});
