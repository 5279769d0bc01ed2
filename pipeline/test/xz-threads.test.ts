/** xz runs on all cores in multi-threaded mode, whose bytes never depend on the thread count. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { compressorFor } from '../src/archive/compressors';

describe('archive: xz threads', () => {
  it('gives xz all cores (-T0), whatever the load average', () => {
    // The build's own install stage raises the load just before the archive: it must not cost xz its threads.
    const xz = compressorFor('/x/image.tar.xz', '/usr/bin');
    assert.deepEqual(xz?.args, ['-T0', '-c']);
  });

  it('writes the same bytes with one thread, with two and with -T0 on one core', function () {
    this.timeout(60_000);
    // 30 MB with some structure: more than one 24 MiB block.
    const input = Buffer.alloc(30 * 1024 * 1024);
    for (let i = 0; i < input.length; i++) input[i] = (i * 7 + (i >> 12)) & 0xff;
    const one = execFileSync('xz', ['-T+1', '-1', '-c'], { input, maxBuffer: 1 << 26 });
    const two = execFileSync('xz', ['-T2', '-1', '-c'], { input, maxBuffer: 1 << 26 });
    // A machine (or a CPU affinity) with one core: -T0 still means multi-threaded mode.
    const oneCore = execFileSync('taskset', ['-c', '0', 'xz', '-T0', '-1', '-c'], { input, maxBuffer: 1 << 26 });
    assert.ok(one.equals(two));
    assert.ok(oneCore.equals(two));
  });
});
