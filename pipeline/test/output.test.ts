/** The human renderer's formatting rules (the JSON renderer is covered end to end). */
import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { formatBytes, formatDuration, humanRenderer } from '../src/cli/human-output';

function sink(isTTY: boolean): PassThrough & { isTTY: boolean; text(): string } {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; text(): string };
  s.isTTY = isTTY;
  let data = '';
  s.on('data', (c: Buffer) => (data += c.toString()));
  s.text = () => data;
  return s;
}

describe('makeimg human output', () => {
  const run = (isTTY: boolean, env: NodeJS.ProcessEnv) => {
    const out = sink(isTTY);
    const err = sink(isTTY);
    const emit = humanRenderer(out, err, env);
    emit({ type: 'stage', stage: 'install', index: 3, total: 5, state: 'start' });
    emit({ type: 'log', stage: 'install', stream: 'stderr', text: 'warning: x' });
    emit({ type: 'progress', stage: 'archive', done: 50, total: 100 });
    emit({ type: 'stage', stage: 'install', index: 3, total: 5, state: 'end', ms: 1500 });
    emit({ type: 'result', ok: true, imgPath: '/out/a.tar.gz', bytes: 3 * 1024 * 1024, ms: 2000 });
    return { out: out.text(), err: err.text() };
  };

  it('colours headings only on a TTY and never with NO_COLOR', () => {
    assert.match(run(true, {}).out, /\x1b\[1;36m==> \[3\/5\] Install\x1b\[0m/);
    assert.doesNotMatch(run(true, { NO_COLOR: '1' }).out, /\x1b\[/);
    assert.doesNotMatch(run(false, {}).out, /\x1b\[/);
  });

  it('streams hook stderr to stderr, shows progress only on a TTY, ends with path and size', () => {
    const plain = run(false, {});
    assert.equal(plain.err, '    warning: x\n');
    assert.doesNotMatch(plain.out, /50%/);
    assert.match(run(true, { NO_COLOR: '1' }).out, /\r {4}50% \(50 B of 100 B\)\n/);
    assert.match(plain.out, /^ {4}Install done in 1\.5 s$/m);
    assert.match(plain.out, /^Built \/out\/a\.tar\.gz \(3\.0 MiB\) in 2\.0 s$/m);
  });

  it('formats sizes and durations', () => {
    assert.deepEqual([formatBytes(512), formatBytes(1536), formatDuration(950), formatDuration(125_000)], ['512 B', '1.5 KiB', '950 ms', '2 min 5 s']);
  });
});
