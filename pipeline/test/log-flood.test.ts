import * as assert from 'node:assert/strict';
import { FloodGate, type FloodLimits } from '../src/log-flood';

const LIMITS: FloodLimits = { lines: 100, linesPerSecond: 10, bytes: 100 * 1024, bytesPerSecond: 10 * 1024, keepLast: 3 };

function gate(): { gate: FloodGate; out: string[]; dropped: number[]; advance(ms: number): void } {
  let now = 0;
  const out: string[] = [];
  const dropped: number[] = [];
  const g = new FloodGate(
    (_stream, text, n) => {
      out.push(text);
      if (n !== undefined) dropped.push(n);
    },
    LIMITS,
    () => now,
  );
  return { gate: g, out, dropped, advance: (ms) => (now += ms) };
}

describe('log flood gate', () => {
  it('passes ordinary output untouched', async () => {
    const { gate: g, out, advance } = gate();
    for (let i = 0; i < 500; i++) {
      await g.line('stdout', `line ${i}`);
      advance(200); // 5 lines a second: below the rate
    }
    await g.flush();
    assert.equal(out.length, 500);
  });

  it('drops a flood beyond the burst, says how many, and shows its last lines', async () => {
    const { gate: g, out, dropped } = gate();
    for (let i = 0; i < 10_000; i++) await g.line('stdout', `y ${i}`);
    await g.flush();
    assert.deepEqual(
      out.slice(0, 100),
      Array.from({ length: 100 }, (_, i) => `y ${i}`),
    );
    assert.equal(out[100], '[makeimg: 9897 lines of output dropped: more than a log can show]');
    assert.deepEqual(out.slice(101), ['y 9997', 'y 9998', 'y 9999']);
    assert.deepEqual(dropped, [9897]);
  });

  it('opens again once half the burst is back, with one notice per flood', async () => {
    const { gate: g, out, advance } = gate();
    for (let i = 0; i < 200; i++) await g.line('stdout', 'a');
    advance(4_000); // 40 tokens: not yet half of the burst
    await g.line('stdout', 'still dropped');
    advance(2_000); // 60 tokens
    await g.line('stdout', 'passes');
    assert.equal(out.filter((l) => l.startsWith('[makeimg:')).length, 1);
    assert.equal(out.at(-1), 'passes');
  });

  it('counts bytes too: a few long lines are a flood', async () => {
    const { gate: g, out } = gate();
    for (let i = 0; i < 10; i++) await g.line('stdout', 'x'.repeat(64 * 1024));
    // 64 KiB each: one fits in the burst of 100 KiB.
    await g.flush();
    assert.equal(out.filter((l) => l.length === 64 * 1024).length, 1 + 3);
  });
});
