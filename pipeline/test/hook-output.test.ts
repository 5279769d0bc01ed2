/**
 * A runaway hook through `--json` (issue: 1M log lines took 504 MB, and
 * `yes | head -c 20M` in do_install crashed node with no result event): the
 * reader's back-pressure reaches the hook, a flood is coalesced into a
 * "lines dropped" notice, a line without a newline comes in pieces, and
 * makeimg's memory stays flat. Needs `npm run build` (it measures the bundle).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { BuildEvent, LogEvent } from '../../shared/events';
import { EXIT } from '../../shared/events';
import { project, Scratch } from './support/projects';
import { errorEvent, resultEvent, runMakeimg, startMakeimg, type MakeimgResult } from './support/run-makeimg';

/** Resident set size of a process in bytes, or undefined once it is gone. */
function rss(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Builds, reading makeimg's stdout slowly when asked (a slow pipe); returns the result and makeimg's largest RSS seen. */
async function buildWatchingMemory(args: string[], slowReader: boolean): Promise<{ r: MakeimgResult; maxRss: number }> {
  // The bundle, as users run it: the sources through tsx start at about twice its memory.
  const run = startMakeimg(args, { bundled: true });
  const pid = run.child.pid!;
  let maxRss = 0;
  const watch = setInterval(() => {
    maxRss = Math.max(maxRss, rss(pid) ?? 0);
  }, 100);
  // A slow pipe: read for a moment every 25 ms (a few MB/s at most).
  const slow = slowReader
    ? setInterval(() => {
        run.child.stdout.resume();
        setImmediate(() => run.child.stdout.pause());
      }, 25)
    : undefined;
  try {
    const r = await run.done;
    return { r, maxRss };
  } finally {
    clearInterval(watch);
    clearInterval(slow);
    run.child.stdin.destroy();
  }
}

const logs = (events: BuildEvent[]): LogEvent[] => events.filter((e): e is LogEvent => e.type === 'log');

describe('a runaway hook through --json (real systemd-nspawn)', function () {
  this.timeout(600_000);
  const scratch = Scratch.forRootSuite();

  it('`yes | head -c 20M` in do_install ends with a result', async () => {
    const src = await project(
      scratch,
      `img_name=yes
do_install()
{
    yes | head -c 20971520
    mkdir -p "$img_dir/etc"
}
`,
    );
    const base = await scratch.dir('out');
    const { r, maxRss } = await buildWatchingMemory(['--json', '--directory', src, base], false);
    assert.equal(r.code, EXIT.OK, r.stderr.slice(-2000));
    assert.equal(r.events.at(-1)?.type, 'result');
    assert.ok(maxRss < 150 * 1024 * 1024, `makeimg's RSS peaked at ${Math.round(maxRss / 1048576)} MB`);
    const dropped = logs(r.events).reduce((n, e) => n + (e.dropped ?? 0), 0);
    assert.ok(dropped > 9_000_000, `most of the 10M lines are dropped: ${dropped}`);
  });

  it("stderr that ends without a line break hides neither do_install's end nor its failing line", async () => {
    // The driver's marked lines (hook done, ERR reports) follow the hook's stderr on the same pipe.
    const ok = await project(
      scratch,
      `img_name=partial\ndo_install()\n{\n    printf 'no line break' >&2\n    mkdir -p "$img_dir/etc"\n}\n`,
    );
    const r = await runMakeimg(['--json', '--directory', ok, await scratch.dir('out')], { bundled: true });
    assert.equal(r.code, EXIT.OK, r.stdout.slice(-2000));
    assert.ok(logs(r.events).some((e) => e.stream === 'stderr' && e.text === 'no line break'));
    assert.ok(!logs(r.events).some((e) => e.text.includes('makeimg-err-')), 'no marker reaches the log');

    const failing = await project(scratch, `img_name=partial\ndo_install()\n{\n    printf 'no line break' >&2\n    false\n}\n`);
    const f = await runMakeimg(['--json', '--directory', failing, await scratch.dir('out')], { bundled: true });
    assert.equal(f.code, EXIT.BUILD_FAILED, f.stdout.slice(-2000));
    assert.equal(errorEvent(f)?.line, 5);
    assert.ok(!logs(f.events).some((e) => e.text.includes('makeimg-err-')), 'no marker reaches the log');
  });

  it('1 GB of hook output into a slow pipe keeps RSS under 150 MB and ends with a result', async () => {
    // Lines on stdout and on stderr, then a quarter of it without a newline (it comes in 64 KiB pieces).
    const src = await project(
      scratch,
      `img_name=flood
do_install()
{
    local line
    line=$(printf '%0199d' 0)
    yes "$line" | head -c 536870912
    yes "$line" | head -c 268435456 >&2
    head -c 268435456 /dev/zero | tr '\\0' x
    echo
    mkdir -p "$img_dir/etc"
}
`,
    );
    const base = await scratch.dir('out');
    const { r, maxRss } = await buildWatchingMemory(['--json', '--directory', src, base], true);
    assert.equal(r.code, EXIT.OK, r.stderr.slice(-2000));
    assert.equal(r.events.at(-1)?.type, 'result');
    assert.ok(maxRss < 150 * 1024 * 1024, `makeimg's RSS peaked at ${Math.round(maxRss / 1048576)} MB`);
    const dropped = logs(r.events).reduce((n, e) => n + (e.dropped ?? 0), 0);
    assert.ok(dropped > 3_000_000, `most of the 4M lines are dropped: ${dropped}`);
  });
});
