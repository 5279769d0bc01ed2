/**
 * The client's build launcher, measured:
 *  1. event throughput: a child process writes N NDJSON log events; the
 *     launcher decodes them and the terminal/log renderers format them
 *     (what a chatty debootstrap costs the editor);
 *  2. privilege overhead: starting node through pkexec (as the polkit-
 *     authorized `makeimg-test` user) against starting it directly.
 * Run: node --import tsx bench/client-launch.ts   (part 2 needs root and scripts/test-users)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { DEFAULT_PRIVILEGE_COMMAND } from '../client/src/build/argv';
import { launchBuild } from '../client/src/build/launcher';
import { logLine, terminalRenderer } from '../client/src/build/render';
import { percentile } from './support/stats';

const EVENTS = 200_000;
const STARTS = 20;

const median = (values: number[]): number => percentile(values, 50);

async function throughput(): Promise<void> {
  const writer = `
    const line = JSON.stringify({ type: 'log', stage: 'install', stream: 'stdout', text: 'I: Retrieving libc6 2.36-9+deb12u7 from http://deb.debian.org' }) + '\\n';
    const chunk = line.repeat(1000);
    let left = ${EVENTS / 1000};
    (function next() { while (left > 0) { left--; if (!process.stdout.write(chunk)) return process.stdout.once('drain', next); } })();
  `;
  let events = 0;
  let bytes = 0;
  const renderer = terminalRenderer((text) => (bytes += text.length));
  const started = performance.now();
  const handle = launchBuild({
    argv: [process.execPath, '-e', writer],
    privilegeCommandLength: 0,
    onEvent(event) {
      events++;
      renderer.event(event);
      logLine(event);
    },
  });
  await handle.done;
  const ms = performance.now() - started;
  console.log(
    `event throughput: ${events} log events decoded and rendered in ${ms.toFixed(0)} ms ` +
      `= ${Math.round(events / (ms / 1000)).toLocaleString('en')} events/s (${(bytes / 1024 / 1024).toFixed(1)} MiB of terminal text)`,
  );
}

function privilegeOverhead(): void {
  if (process.getuid?.() !== 0) {
    console.log('privilege overhead: skipped (needs root to run as makeimg-test)');
    return;
  }
  try {
    execFileSync('id', ['makeimg-test'], { stdio: 'ignore' });
  } catch {
    console.log('privilege overhead: skipped (run scripts/start-services and scripts/test-users first)');
    return;
  }
  const uid = execFileSync('id', ['-u', 'makeimg-test'], { encoding: 'utf8' }).trim();
  const gid = execFileSync('id', ['-g', 'makeimg-test'], { encoding: 'utf8' }).trim();
  const asUser = ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups'];
  // pkexec clears the environment; clear it for the direct start too, so only pkexec differs.
  const node = ['/usr/bin/env', '-i', 'ELECTRON_RUN_AS_NODE=1', process.execPath, '-e', '0'];
  const time = (argv: string[]) => {
    const t = performance.now();
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}`);
    return performance.now() - t;
  };
  const direct: number[] = [];
  const viaPkexec: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    direct.push(time([...asUser, ...node]));
    viaPkexec.push(time([...asUser, ...DEFAULT_PRIVILEGE_COMMAND, ...node]));
  }
  console.log(
    `privilege overhead: node start ${median(direct).toFixed(0)} ms direct, ${median(viaPkexec).toFixed(0)} ms through pkexec ` +
      `(+${(median(viaPkexec) - median(direct)).toFixed(0)} ms; median of ${STARTS})`,
  );
}

void throughput().then(privilegeOverhead);
