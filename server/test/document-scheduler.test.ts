/**
 * The per-document scheduler's timing rules, with hand-driven jobs (pure
 * logic; the real-process behaviour is in shellcheck-service.test.ts).
 */
import * as assert from 'node:assert/strict';
import { DocumentScheduler } from '../src/document-scheduler';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long enough for a job scheduled with delay 0 to have started (it starts after two setImmediate hops), however loaded the machine. */
const started = () => new Promise<void>((r) => setImmediate(() => setImmediate(() => setImmediate(r))));

/** A job whose completion the test controls, recording runs, aborts and deliveries. */
function controlledJob(name: string, log: string[]) {
  let finish!: (value: string) => void;
  const job = {
    run(signal: AbortSignal): Promise<string> {
      log.push(`run ${name}`);
      signal.addEventListener('abort', () => log.push(`abort ${name}`));
      return new Promise<string>((resolve) => (finish = resolve));
    },
    deliver(result: string): void {
      log.push(`deliver ${result}`);
    },
  };
  return { job, finish: (value: string) => finish(value) };
}

describe('document scheduler', () => {
  let scheduler: DocumentScheduler;
  afterEach(() => scheduler.dispose());

  it('debounces: only the last of quick schedules runs', async () => {
    scheduler = new DocumentScheduler(30);
    const log: string[] = [];
    const jobs = [1, 2, 3].map((v) => controlledJob(`v${v}`, log));
    jobs.forEach((j, i) => scheduler.schedule('a', i + 1, j.job));
    await sleep(60);
    jobs[2].finish('v3 result');
    await sleep(0);
    assert.deepEqual(log, ['run v3', 'deliver v3 result']);
  });

  it('aborts the running job on a new schedule and drops its late result', async () => {
    scheduler = new DocumentScheduler(0);
    const log: string[] = [];
    const first = controlledJob('v1', log);
    const second = controlledJob('v2', log);
    scheduler.schedule('a', 1, first.job);
    await started();
    scheduler.schedule('a', 2, second.job);
    first.finish('v1 result'); // a job that ignores its signal and still answers
    await started();
    second.finish('v2 result');
    await sleep(0);
    assert.deepEqual(log, ['run v1', 'abort v1', 'run v2', 'deliver v2 result']);
  });

  it('ignores an older version than the newest scheduled', async () => {
    scheduler = new DocumentScheduler(0);
    const log: string[] = [];
    const newer = controlledJob('v5', log);
    const older = controlledJob('v4', log);
    scheduler.schedule('a', 5, newer.job);
    scheduler.schedule('a', 4, older.job);
    await started();
    newer.finish('v5 result');
    await sleep(0);
    assert.deepEqual(log, ['run v5', 'deliver v5 result']);
  });

  it('keeps documents independent; forget cancels one and resets its versions', async () => {
    scheduler = new DocumentScheduler(0);
    const log: string[] = [];
    const a = controlledJob('a1', log);
    const b = controlledJob('b1', log);
    scheduler.schedule('a', 1, a.job);
    scheduler.schedule('b', 1, b.job);
    await started();
    scheduler.forget('a');
    a.finish('a1 result');
    b.finish('b1 result');
    await sleep(0);
    assert.deepEqual(log, ['run a1', 'run b1', 'abort a1', 'deliver b1 result']);
    assert.equal(scheduler.isBusy('a'), false);
    // After forget (closed and reopened), version numbering may start over.
    const reopened = controlledJob('a0', log);
    scheduler.schedule('a', 0, reopened.job);
    await started();
    reopened.finish('a0 result');
    await sleep(0);
    assert.deepEqual(log.slice(4), ['run a0', 'deliver a0 result']);
  });

  it('delay 0 starts after the work already queued: a burst handled one message per setImmediate coalesces', async () => {
    scheduler = new DocumentScheduler(0);
    const log: string[] = [];
    const jobs = [1, 2, 3].map((v) => controlledJob(`v${v}`, log));
    // Like the LSP connection: one queued message per setImmediate, each taking a few ms (apply the edit, reparse).
    await new Promise<void>((done) => {
      const handle = (i: number) => {
        scheduler.schedule('a', i + 1, jobs[i].job, 0);
        const until = performance.now() + 3;
        while (performance.now() < until); // the rest of the handler's work
        if (i + 1 < jobs.length) setImmediate(() => handle(i + 1));
        else done();
      };
      setImmediate(() => handle(0));
    });
    await started();
    jobs[2].finish('v3 result');
    await sleep(0);
    assert.deepEqual(log, ['run v3', 'deliver v3 result']);
  });

  it('dispose cancels pending timers: nothing runs afterwards', async () => {
    scheduler = new DocumentScheduler(20);
    const log: string[] = [];
    scheduler.schedule('a', 1, controlledJob('a1', log).job);
    scheduler.dispose();
    await sleep(40);
    assert.deepEqual(log, []);
  });
});
