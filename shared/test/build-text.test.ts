/** The one text rendering of build events (makeimg's human output and the VS Code terminal). */
import * as assert from 'node:assert/strict';
import { BuildTextRenderer, visible, type BuildTextOptions, type OutputStream } from '../build-text';
import type { BuildEvent } from '../events';
import { formatBytes, formatDuration } from '../units';

function render(events: BuildEvent[], options: BuildTextOptions): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  const r = new BuildTextRenderer({ write: (t: string, s: OutputStream) => void (out[s] += t) }, options);
  for (const e of events) r.event(e);
  return out;
}

const BUILD: BuildEvent[] = [
  { type: 'stage', stage: 'install', index: 3, total: 5, state: 'start' },
  { type: 'log', stage: 'install', stream: 'stderr', text: 'warning: x' },
  { type: 'progress', stage: 'archive', done: 50, total: 100 },
  { type: 'stage', stage: 'install', index: 3, total: 5, state: 'end', ms: 1500 },
  { type: 'result', ok: true, imgPath: '/out/a.tar.gz', bytes: 3 * 1024 * 1024, ms: 2000 },
];

describe('build text (shared renderer)', () => {
  it('headings, times and sizes; hook stderr to stderr; progress only when live', () => {
    const plain = render(BUILD, { colour: false, live: false });
    assert.equal(plain.stdout, '==> [3/5] Install\n    Install done in 1.5 s\nBuilt /out/a.tar.gz (3.0 MiB) in 2.0 s\n');
    assert.equal(plain.stderr, '    warning: x\n');
    const live = render(BUILD, { colour: false, live: true });
    assert.match(live.stdout, /\r {4}Archive 50% \(50 B of 100 B\)\n {4}Install done/);
  });

  it("colours only makeimg's own words", () => {
    const c = render(BUILD, { colour: true, live: false });
    assert.match(c.stdout, /\x1b\[1;36m==> \[3\/5\] Install\x1b\[0m/);
    assert.equal(c.stderr, '    warning: x\n', 'hook output is never coloured');
  });

  it('errors: location first (image.sh:9: error: ...), relative to cwd; more lines indented', () => {
    const r = render(
      [{ type: 'error', stage: 'install', message: 'do_install failed (exit 1)\ncp: x: No such file', file: '/p/image.sh', line: 9 }],
      { colour: false, live: false, cwd: '/p' },
    );
    assert.equal(r.stderr, 'image.sh:9: error: do_install failed (exit 1)\n    cp: x: No such file\n');
    const r2 = render([{ type: 'error', message: 'not root' }], { colour: false, live: false, cwd: '/p' });
    assert.equal(r2.stderr, 'makeimg: error: not root\n');
    const r3 = render([{ type: 'error', message: 'm', file: '/q/image.sh', line: 2 }], { colour: false, live: false, cwd: '/p' });
    assert.equal(r3.stderr, '/q/image.sh:2: error: m\n');
  });

  it('cancel is reported as cancelled, with why and where, not as an error', () => {
    const r = render(
      [{ type: 'result', ok: false, cancelled: true, reason: 'from the editor', stage: 'install', kept: ['/p/img/x'], ms: 1200 }],
      { colour: false, live: false },
    );
    assert.equal(r.stderr, 'Cancelled from the editor during install after 1.2 s; kept /p/img/x\n');
  });

  it("a hook cannot forge makeimg's lines: ESC, BEL, CR and C1 controls are shown visibly (issue 11 item 10)", () => {
    const forged = '\x1b[1;32mBuilt\x1b[0m /etc/shadow\x07\rBuilt x\x9b2J';
    const r = render([{ type: 'log', stage: 'install', stream: 'stdout', text: forged }], { colour: true, live: true, eol: '\r\n' });
    assert.equal(r.stdout, '    ^[[1;32mBuilt^[[0m /etc/shadow^G^MBuilt x<U+009B>2J\r\n');
    assert.doesNotMatch(r.stdout, /\x1b|\x07|\x9b/);
    assert.equal(visible('tab\tstays\r'), 'tab\tstays', 'TAB kept, a CRLF line end dropped');
    const e = render([{ type: 'error', message: 'x\x1b]0;title\x07', file: '/p/\x1bimage.sh', line: 1 }], { colour: false, live: false });
    assert.doesNotMatch(e.stderr, /\x1b|\x07/);
  });

  it('sizes and durations', () => {
    assert.deepEqual([formatBytes(512), formatBytes(1536), formatBytes(300 * 1024 * 1024)], ['512 B', '1.5 KiB', '300 MiB']);
    assert.deepEqual([formatDuration(950), formatDuration(1234), formatDuration(125_000)], ['950 ms', '1.2 s', '2 min 5 s']);
  });
});
