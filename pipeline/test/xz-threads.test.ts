/** xz's thread count follows the idle cores, and never changes the bytes (multi-threaded mode for any count). */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { xzThreads } from '../src/archive/compressors';

describe('archive: xz threads', () => {
  it('uses the idle cores, at least one (as -T+1, still multi-threaded mode)', () => {
    assert.equal(xzThreads(2, 0.2), '2');
    assert.equal(xzThreads(2, 1.4), '+1');
    assert.equal(xzThreads(2, 25), '+1');
    assert.equal(xzThreads(8, 3), '5');
  });

  it('writes the same bytes with one thread and with two', function () {
    this.timeout(60_000);
    // 30 MB with some structure: more than one 24 MiB block.
    const input = Buffer.alloc(30 * 1024 * 1024);
    for (let i = 0; i < input.length; i++) input[i] = (i * 7 + (i >> 12)) & 0xff;
    const one = execFileSync('xz', ['-T+1', '-1', '-c'], { input, maxBuffer: 1 << 26 });
    const two = execFileSync('xz', ['-T2', '-1', '-c'], { input, maxBuffer: 1 << 26 });
    assert.ok(one.equals(two));
  });
});
