import { strict as assert } from 'node:assert';
import type { BuildEvent } from '../../shared/events';
import {
  finishedStatusText, formatBytes, formatDuration, installCacheLine, logLine, nextProgress, runningStatusText, stripAnsi,
  TerminalRenderer, type BuildProgress,
} from '../src/build/render';

describe('client build rendering', () => {
  it('status bar follows the stages and the archive percentage', () => {
    const events: BuildEvent[] = [
      { type: 'stage', stage: 'resolve', index: 1, total: 5, state: 'start' },
      { type: 'stage', stage: 'resolve', index: 1, total: 5, state: 'end', ms: 12 },
      { type: 'stage', stage: 'install', index: 3, total: 5, state: 'start' },
      { type: 'log', stage: 'install', stream: 'stdout', text: 'hello' },
    ];
    let p: BuildProgress = { phase: 'starting' };
    assert.equal(runningStatusText(p), '$(sync~spin) makeimg: starting');
    for (const e of events) p = nextProgress(p, e);
    assert.equal(runningStatusText(p), '$(sync~spin) makeimg: install (3/5)');
    p = nextProgress(p, { type: 'stage', stage: 'archive', index: 5, total: 5, state: 'start' });
    p = nextProgress(p, { type: 'progress', stage: 'archive', done: 420, total: 1000 });
    assert.equal(runningStatusText(p), '$(sync~spin) makeimg: archive (5/5) 42%');
    p = nextProgress({ phase: 'cancelling' }, { type: 'stage', stage: 'archive', index: 5, total: 5, state: 'start' });
    assert.equal(runningStatusText(p), '$(sync~spin) makeimg: cancelling');
  });

  it('status bar after the build', () => {
    assert.equal(finishedStatusText({ kind: 'built', result: { type: 'result', ok: true, bytes: 5 * 1024 * 1024, ms: 1 } }), '$(check) makeimg: 5.0 MiB');
    assert.equal(finishedStatusText({ kind: 'failed', message: 'x' }), '$(error) makeimg: build failed');
    assert.equal(finishedStatusText({ kind: 'no-agent' }), '$(error) makeimg: not built');
    assert.equal(finishedStatusText({ kind: 'cancelled', kept: [] }), '$(circle-slash) makeimg: cancelled');
  });

  it('formats sizes and durations', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(300 * 1024 * 1024), '300 MiB');
    assert.equal(formatDuration(1234), '1.2s');
    assert.equal(formatDuration(125_000), '2m 05s');
  });

  it('terminal: stage headings with timings, CRLF, errors in red', () => {
    const r = new TerminalRenderer();
    const start = r.event({ type: 'stage', stage: 'install', index: 3, total: 5, state: 'start' });
    assert.equal(stripAnsi(start), '▶ Install (3/5)\r\n');
    assert.equal(stripAnsi(r.event({ type: 'stage', stage: 'install', index: 3, total: 5, state: 'end', ms: 2500 })), '  Install done in 2.5s\r\n');
    assert.equal(r.event({ type: 'log', stage: 'install', stream: 'stdout', text: 'a\nb' }), 'a\r\nb\r\n');
    const err = r.event({ type: 'error', stage: 'install', message: 'do_install failed (exit 1)', file: '/p/image.sh', line: 7 });
    assert.ok(err.startsWith('\x1b[1;31m'), 'errors are red');
    assert.equal(stripAnsi(err), '✗ do_install failed (exit 1) (image.sh:7)\r\n');
  });

  it('says when the install stage came from the cache: terminal heading, log line, status tooltip', () => {
    const cached = { type: 'stage', stage: 'install', index: 3, total: 5, state: 'start', cached: true, cacheKey: 'k', cacheAgeMs: 4 * 60_000, cacheBytes: 212 * 1024 * 1024 } as const;
    const note = ' (cached, built 4 min ago, 212 MiB; --no-cache to rebuild)';
    assert.equal(stripAnsi(new TerminalRenderer().event(cached)), `▶ Install (3/5)${note}\r\n`);
    assert.equal(logLine(cached)?.text, `[build] install (3/5) started${note}`);
    assert.equal(installCacheLine(cached), `Install restored from the cache${note}`);
    assert.equal(installCacheLine({ ...cached, cached: false }), 'Install ran do_install (not cached; saved for the next build)');
    assert.equal(installCacheLine({ type: 'stage', stage: 'install', index: 3, total: 5, state: 'start' }), undefined);
  });

  it('terminal: archive percentage updates one line, ended before the next output', () => {
    const r = new TerminalRenderer();
    const a = r.event({ type: 'progress', stage: 'archive', done: 10, total: 100 });
    assert.match(stripAnsi(a), /^\r {2}archive 10% \(10 B of 100 B\)$/);
    assert.equal(r.event({ type: 'progress', stage: 'archive', done: 10, total: 100 }), '', 'same percent is not repeated');
    assert.equal(r.event({ type: 'progress', stage: 'archive', done: 0, total: 0 }), '', 'an empty tree has no percentage');
    const done = r.event({ type: 'result', ok: true, imgPath: '/p/img/a.tar.gz', bytes: 2048, ms: 3000 });
    assert.equal(stripAnsi(done), '\r\n✓ Built /p/img/a.tar.gz (2.0 KiB) in 3.0s\r\n');
  });

  it('terminal: closing line for outcomes other than success', () => {
    const r = new TerminalRenderer();
    assert.equal(r.outcome({ kind: 'built', result: { type: 'result', ok: true, ms: 1 } }), '');
    assert.match(stripAnsi(r.outcome({ kind: 'dismissed' })), /authentication dialog was dismissed\.\r\n$/);
    assert.equal(stripAnsi(r.outcome({ kind: 'cancelled', kept: [] })), 'Build cancelled\r\n', 'no result line yet: say it');
    r.event({ type: 'result', ok: false, cancelled: true, ms: 1000, kept: ['/p/img/x'] });
    assert.equal(r.outcome({ kind: 'cancelled', kept: ['/p/img/x'] }), '', 'the result line said it already');
    assert.match(stripAnsi(r.outcome({ kind: 'failed', message: 'do_install failed (exit 1)' })), /^Build failed: do_install failed/);
  });

  it('output channel lines carry no colour and skip progress', () => {
    assert.deepEqual(logLine({ type: 'log', stage: 'install', stream: 'stderr', text: '\x1b[31mred\x1b[0m' }), { level: 'info', text: '[install] red' });
    assert.equal(logLine({ type: 'progress', stage: 'archive', done: 1, total: 2 }), undefined);
    assert.equal(logLine({ type: 'error', message: 'boom' })?.level, 'error');
  });
});
