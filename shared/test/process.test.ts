import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, startProcess, Tail, type OutputStream } from '../process';

const FIXTURE = join(__dirname, 'support', 'parent-of-sleep.ts');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie nobody reaps (PID 1 here is not an init) is dead for our purpose.
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitUntil(what: string, ms: number, condition: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('process runner (shared/process.ts)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'makeimg-process-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives out stdout and stderr lines and the outcome', async () => {
    const lines: string[] = [];
    const outcome = await runProcess(['sh', '-c', 'echo one; echo two >&2; printf three; exit 0'], {
      onLine: (stream: OutputStream, text) => void lines.push(`${stream}:${text}`),
    });
    assert.equal(outcome.kind, 'ok');
    assert.deepEqual(lines.sort(), ['stderr:two', 'stdout:one', 'stdout:three']);
  });

  it('reports an exit code as failed, with the end of stderr; okExitCodes widens success', async () => {
    const failed = await runProcess(['sh', '-c', 'echo why >&2; exit 3']);
    assert.deepEqual(failed, { kind: 'failed', exitCode: 3, reason: 'exit code 3', stdout: '', stderr: 'why' });
    assert.equal((await runProcess(['sh', '-c', 'exit 1'], { okExitCodes: [0, 1] })).kind, 'ok');
  });

  it('writes input and collects stdout', async () => {
    const outcome = await runProcess(['tr', 'a-z', 'A-Z'], { input: 'hello\n', collectStdout: true });
    assert.equal(outcome.kind === 'ok' && outcome.stdout, 'HELLO\n');
  });

  it('reports a program that cannot be started as unavailable', async () => {
    const script = join(dir, 'not-executable');
    writeFileSync(script, '#!/bin/sh\n');
    chmodSync(script, 0o644);
    for (const [program, code] of [
      ['no-such-program-here', 'ENOENT'],
      [join(dir, 'missing'), 'ENOENT'],
      [script, 'EACCES'],
      [dir, 'EACCES'],
      ['bad\0name', 'EINVAL'],
    ]) {
      const outcome = await runProcess([program!]);
      assert.equal(outcome.kind, 'unavailable', program);
      assert.equal(outcome.kind === 'unavailable' && outcome.code, code, program);
    }
  });

  it('on abort stops the whole process group (SIGTERM) and reports cancelled', async () => {
    const controller = new AbortController();
    const pids: number[] = [];
    const running = runProcess(['sh', '-c', 'sleep 100 & echo $!; sleep 100 & echo $!; wait'], {
      signal: controller.signal,
      onLine: (_s, text) => void pids.push(Number(text)),
    });
    await waitUntil('both sleeps started', 5000, () => pids.length === 2);
    controller.abort();
    assert.equal((await running).kind, 'cancelled');
    await waitUntil('the group is gone', 2000, () => pids.every((p) => !alive(p)));
  });

  it('kills what ignores SIGTERM after the grace period', async () => {
    const child = await startProcess(['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done'], {
      killGraceMs: 300,
      onLine: () => undefined,
    });
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    assert.equal((await child.stop()).kind, 'cancelled');
    assert.ok(Date.now() - started >= 250, 'waited for the grace period');
  });

  it('stops a process past its timeout and says so', async () => {
    const outcome = await runProcess(['sleep', '100'], { timeoutMs: 200 });
    assert.deepEqual(outcome, { kind: 'timedOut', timeoutMs: 200, stderr: '' });
  });

  it('an already aborted signal starts nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const child = await startProcess(['sleep', '100'], { signal: controller.signal });
    assert.equal(child.pid, undefined);
    assert.equal((await child.done).kind, 'cancelled');
  });

  // Back-pressure: while onLine's promise is pending nothing more is read, so the child blocks on a
  // full pipe instead of the runner buffering its output.
  it('pauses reading while onLine is busy, so a fast writer waits', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let lines = 0;
    const child = await startProcess(['sh', '-c', 'yes | head -c 4000000'], {
      onLine: () => {
        lines += 1;
        return lines === 1 ? gate : undefined;
      },
    });
    await new Promise((r) => setTimeout(r, 700));
    // Without back-pressure 4 MB would be read (and head gone) in far less time.
    assert.ok(alive(child.pid!), 'the writer is still blocked on the pipe');
    assert.equal(lines, 1);
    release();
    assert.equal((await child.done).kind, 'ok');
    assert.equal(lines, 2_000_000, 'and nothing was lost');
  });

  // A child dies with its parent even when the parent is killed with SIGKILL (PR_SET_PDEATHSIG).
  for (const deathSignal of ['SIGKILL', 'SIGTERM']) {
    it(`a child dies with its parent killed by SIGKILL (death signal ${deathSignal})`, async () => {
      let sleepPid = 0;
      const parent = await startProcess([process.execPath, '--import', 'tsx', FIXTURE, deathSignal], {
        onLine: (stream, text) => {
          if (stream === 'stdout') sleepPid = Number(text);
        },
      });
      await waitUntil('the fixture started sleep', 10_000, () => sleepPid > 0);
      assert.ok(alive(sleepPid));
      process.kill(parent.pid!, 'SIGKILL');
      await parent.done;
      try {
        await waitUntil('sleep died with its parent', 2000, () => !alive(sleepPid));
      } finally {
        if (alive(sleepPid)) process.kill(sleepPid, 'SIGKILL');
      }
    });
  }
});

describe('the end of stderr kept for an outcome (Tail)', () => {
  it('keeps the last characters of the lines, as re-cutting one string on every line did', () => {
    const lines = ['a', '', 'bb  ', 'x'.repeat(40), 'ccc', ...Array.from({ length: 3000 }, (_, i) => `line ${i}`), ' tail '];
    for (const max of [1, 5, 16, 39, 41, 100]) {
      const tail = new Tail(max);
      let kept = '';
      for (const [i, line] of lines.entries()) {
        tail.add(line);
        kept = (kept + line + '\n').slice(-max);
        if (i < 8 || i % 500 === 0 || i === lines.length - 1) assert.equal(tail.text(), kept.trim(), `max ${max}, line ${i}`);
      }
    }
  });
});
