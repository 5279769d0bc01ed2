import { strict as assert } from 'node:assert';
import type { BuildEvent } from '../../shared/events';
import { outcomeExitCode } from '../src/build/outcome';
import {
  finishedStatusText,
  installCacheLine,
  logLine,
  nextProgress,
  runningStatusText,
  terminalRenderer,
  writeOutcome,
  type BuildProgress,
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
    assert.equal(
      finishedStatusText({ kind: 'built', result: { type: 'result', ok: true, bytes: 5 * 1024 * 1024, ms: 1 } }),
      '$(check) makeimg: 5.0 MiB',
    );
    assert.equal(finishedStatusText({ kind: 'failed', message: 'x' }), '$(error) makeimg: build failed');
    assert.equal(finishedStatusText({ kind: 'no-agent' }), '$(error) makeimg: not built');
    assert.equal(finishedStatusText({ kind: 'cancelled', kept: [] }), '$(circle-slash) makeimg: cancelled');
  });

  it('says when the install stage came from the cache: terminal heading, log line, status tooltip', () => {
    const cached = {
      type: 'stage',
      stage: 'install',
      index: 3,
      total: 5,
      state: 'start',
      cached: true,
      cacheKey: 'k',
      cacheAgeMs: 4 * 60_000,
      cacheBytes: 212 * 1024 * 1024,
    } as const;
    const note = ' (cached, built 4 min ago, 212 MiB; --no-cache to rebuild)';
    let text = '';
    terminalRenderer((t) => (text += t)).event(cached);
    assert.equal(text, `\x1b[1;36m==> [3/5] Install\x1b[0m\x1b[2m${note}\x1b[0m\r\n`);
    assert.equal(logLine(cached)?.text, `[build] install (3/5) started${note}`);
    assert.equal(installCacheLine(cached), `Install restored from the cache${note}`);
    assert.equal(installCacheLine({ ...cached, cached: false }), 'Install ran do_install (not cached; saved for the next build)');
    assert.equal(installCacheLine({ type: 'stage', stage: 'install', index: 3, total: 5, state: 'start' }), undefined);
  });

  it('terminal: the shared renderer with CRLF; the closing line only when the result did not say it', () => {
    let text = '';
    const r = terminalRenderer((t) => (text += t), '/p');
    r.event({ type: 'stage', stage: 'install', index: 3, total: 5, state: 'start' });
    r.event({ type: 'error', stage: 'install', message: 'do_install failed (exit 1)', file: '/p/image.sh', line: 7 });
    assert.equal(text, '\x1b[1;36m==> [3/5] Install\x1b[0m\r\nimage.sh:7: \x1b[1;31merror:\x1b[0m do_install failed (exit 1)\r\n');
    text = '';
    writeOutcome(r, { kind: 'dismissed' });
    assert.match(text, /authentication dialog was dismissed\.\x1b\[0m\r\n$/);
    text = '';
    r.event({ type: 'result', ok: false, cancelled: true, ms: 1000, kept: ['/p/img/x'] });
    writeOutcome(r, { kind: 'cancelled', kept: ['/p/img/x'] });
    assert.equal(text, '\x1b[1;33mCancelled\x1b[0m after 1.0 s; kept /p/img/x\r\n', 'said once');
  });

  it("terminal exit code is makeimg's (2 stays 2, cancel is 130)", () => {
    assert.equal(outcomeExitCode({ kind: 'invalid', message: 'x' }), 2);
    assert.equal(outcomeExitCode({ kind: 'cancelled', kept: [] }), 130);
    assert.equal(outcomeExitCode({ kind: 'failed', message: 'x' }), 1);
    assert.equal(outcomeExitCode({ kind: 'built', result: { type: 'result', ok: true, ms: 1 } }), 0);
  });

  it('output channel lines carry no control characters and skip progress', () => {
    assert.deepEqual(logLine({ type: 'log', stage: 'install', stream: 'stderr', text: '\x1b[31mred\x1b[0m' }), {
      level: 'info',
      text: '[install] ^[[31mred^[[0m',
    });
    assert.equal(logLine({ type: 'progress', stage: 'archive', done: 1, total: 2 }), undefined);
    assert.equal(logLine({ type: 'error', message: 'boom' })?.level, 'error');
  });
});
