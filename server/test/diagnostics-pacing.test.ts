/**
 * When a document is analysed after an edit: the interval derived from its
 * analysis cost, the leading edge after a quiet period and at most one
 * analysis per interval during a burst (pure logic, a hand-driven clock; the
 * protocol side is in protocol.test.ts).
 */
import assert from 'node:assert/strict';
import {
  analysisIntervalFor,
  CHEAP_ANALYSIS_MS,
  COST_SAMPLES,
  DiagnosticsPacing,
  MAX_DERIVED_DELAY_MS,
  throttledDelay,
  typicalCost,
} from '../src/diagnostics-pacing';

/** A pacing with a clock the test moves, and the analyses it would start. */
function pacedDocument(fixedDelayMs?: number) {
  let now = 1000;
  const pacing = new DiagnosticsPacing(fixedDelayMs, () => now);
  return {
    pacing,
    at: (ms: number) => (now = ms),
    /** An analysis starts now and takes `costMs` (an analysis after an edit: its cost is measured). */
    analyse(costMs: number) {
      pacing.started('a');
      pacing.measured('a', costMs);
      now += costMs;
    },
  };
}

describe('diagnostics pacing', () => {
  it('analyses cheap and not yet measured documents on the next tick', () => {
    assert.equal(analysisIntervalFor(undefined), 0);
    assert.equal(analysisIntervalFor(2), 0);
    assert.equal(analysisIntervalFor(CHEAP_ANALYSIS_MS - 0.1), 0);
  });

  it('spaces the analyses of expensive documents about as long as an analysis takes, up to a bound', () => {
    assert.equal(analysisIntervalFor(CHEAP_ANALYSIS_MS), CHEAP_ANALYSIS_MS);
    assert.equal(analysisIntervalFor(42.3), 43);
    assert.equal(analysisIntervalFor(5000), MAX_DERIVED_DELAY_MS);
  });

  it('takes the typical cost of the recent analyses after edits: one slow analysis does not slow the next keystrokes', () => {
    assert.equal(typicalCost([]), undefined);
    assert.equal(typicalCost([12]), 12);
    // A keystroke that broke the syntax cost 280 ms; the next keystroke is still paced as usual.
    assert.equal(typicalCost([14, 15, 280]), 15);
    assert.equal(analysisIntervalFor(typicalCost([14, 15, 280, 300])), 15);
    // Only the last COST_SAMPLES count: a document that became expensive is treated as such.
    assert.equal(typicalCost([...new Array<number>(10).fill(2), ...new Array<number>(COST_SAMPLES).fill(90)]), 90);
  });

  it('throttles: at once after a quiet period, else when the interval since the last start ends', () => {
    assert.equal(throttledDelay(500, undefined, 40), 0);
    assert.equal(throttledDelay(500, 400, 40), 0);
    assert.equal(throttledDelay(500, 470, 40), 10);
    assert.equal(throttledDelay(500, 499.5, 0), 0);
    // Later edits of the same burst aim at the same start, not a later one.
    assert.equal(510 + throttledDelay(510, 470, 40), 500 + throttledDelay(500, 470, 40));
  });

  it('analyses the first edit after a pause at once, even in an expensive document', () => {
    const doc = pacedDocument();
    for (let i = 0; i < COST_SAMPLES; i++) {
      doc.analyse(50);
      doc.at(10_000 * (i + 1));
    }
    // A debounce would wait about 50 ms here; the keystroke after a pause gets its diagnostics as fast as the analysis allows.
    assert.equal(doc.pacing.delayAfterEdit('a'), 0);
  });

  it('analyses a burst of fast keystrokes at most once per interval, the last one at the end of its interval', () => {
    const doc = pacedDocument();
    doc.analyse(50);
    doc.at(5_000);
    // Keystrokes every 10 ms for 200 ms in a document whose analyses take 50 ms.
    const starts: number[] = [];
    let pending: number | undefined;
    for (let t = 5_000; t <= 5_300; t++) {
      doc.at(t);
      if (t <= 5_200 && t % 10 === 0) pending = t + doc.pacing.delayAfterEdit('a');
      if (pending !== undefined && t >= pending) {
        // The scheduled analysis starts (the pacing learns of it through started()).
        starts.push(t);
        doc.pacing.started('a');
        pending = undefined;
      }
    }
    // The first keystroke at once, then one analysis per 50 ms; the last keystroke (5,200) is analysed within one interval.
    assert.deepEqual(starts, [5_000, 5_050, 5_100, 5_150, 5_200]);
  });

  it('cheap documents are analysed on the next tick after every edit', () => {
    const doc = pacedDocument();
    doc.analyse(2);
    assert.equal(doc.pacing.delayAfterEdit('a'), 0);
    doc.analyse(2);
    assert.equal(doc.pacing.delayAfterEdit('a'), 0);
  });

  it('a fixed diagnosticsDelay overrides the pacing: the same quiet time after every edit', () => {
    const doc = pacedDocument(200);
    assert.equal(doc.pacing.delayAfterEdit('a'), 200);
    doc.analyse(50);
    doc.at(60_000);
    assert.equal(doc.pacing.delayAfterEdit('a'), 200);
    assert.equal(new DiagnosticsPacing(0, () => 0).delayAfterEdit('a'), 0);
  });

  it('forget starts a reopened document afresh', () => {
    const doc = pacedDocument();
    doc.analyse(90);
    doc.pacing.started('a');
    assert.equal(doc.pacing.delayAfterEdit('a'), 90);
    doc.pacing.forget('a');
    assert.equal(doc.pacing.delayAfterEdit('a'), 0);
  });
});
