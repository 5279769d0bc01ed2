/**
 * ShellCheck cost per check: ShellcheckService (server/src/shellcheck) from
 * `schedule` to `publish`, p50/p95, on examples/debian/image.sh and on
 * generated 1,000- and 10,000-line image.sh files. The debounce is 0, so the
 * figures are the check itself (the `shellcheck` process dominates); in the
 * editor the 400 ms debounce comes on top.
 *
 * Run: node --import tsx bench/shellcheck.ts   (needs shellcheck on PATH)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ShellcheckService } from '../server/src/shellcheck';
import { largeImageSh } from './support/server-fixtures';
import { percentile } from './support/stats';

const SETTINGS = { enable: true, path: 'shellcheck' };

/** Times `runs` checks of the file at `path` (its directory is shellcheck's working directory, as in the editor). */
async function timeChecks(service: ShellcheckService, path: string, runs: number): Promise<number[]> {
  const uri = pathToFileURL(path).href;
  const text = readFileSync(path, 'utf8');
  const times: number[] = [];
  for (let version = 1; version <= runs; version++) {
    const t0 = performance.now();
    await new Promise<void>((done) => service.schedule(uri, version, text, SETTINGS, () => done()));
    times.push(performance.now() - t0);
  }
  service.forget(uri);
  return times;
}

function format(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const version = /version: (\S+)/.exec(execFileSync('shellcheck', ['--version'], { encoding: 'utf8' }))?.[1];
  // A run that fails (missing, timeout) still publishes ([]): any logged problem makes the figures meaningless.
  const problems: string[] = [];
  const service = new ShellcheckService((message) => problems.push(message), { debounceMs: 0, timeoutMs: 60_000 });
  const dir = mkdtempSync(join(tmpdir(), 'makeimg-bench-shellcheck-'));
  try {
    const cases = [
      { name: 'examples/debian/image.sh', path: resolve('examples/debian/image.sh'), runs: 30 },
      { name: 'generated, 1,000 lines', path: join(dir, '1000', 'image.sh'), lines: 1_000, runs: 20 },
      { name: 'generated, 10,000 lines', path: join(dir, '10000', 'image.sh'), lines: 10_000, runs: 10 },
    ];
    console.log(`ShellCheck ${version}, schedule -> publish, debounce 0`);
    for (const c of cases) {
      if (c.lines) {
        mkdirSync(dirname(c.path));
        writeFileSync(c.path, largeImageSh(c.lines));
      }
      const lines = readFileSync(c.path, 'utf8').split('\n').length - 1;
      const times = await timeChecks(service, c.path, c.runs);
      if (problems.length) throw new Error(`ShellCheck did not run cleanly: ${problems.join('; ')}`);
      console.log(
        `${c.name.padEnd(26)} ${String(lines).padStart(6)} lines  p50 ${format(percentile(times, 50))}  p95 ${format(percentile(times, 95))}  (n=${c.runs})`,
      );
    }
  } finally {
    service.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
