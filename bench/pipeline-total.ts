/**
 * Benchmark of the whole pipeline: `makeimg` (the bundled dist/makeimg.js)
 * building examples/tiny into .tar.gz, against doing the same work by hand
 * with the same commands:
 *   - "by hand, unconfined": bash sources image.sh on the host and runs
 *     do_install, cp for the file arrays, chroot + bash for do_postinstall,
 *     tar | pigz (what a user of the original would type, without safety);
 *   - "by hand, nspawn": the same, but do_install and do_postinstall in
 *     systemd-nspawn as makeimg runs them (the confinement's own cost).
 * The difference to the first is makeimg's price (evaluation in a container,
 * checks, confinement, node start-up).
 *
 * Run as root after `npm run build`:
 *   node --import tsx bench/pipeline-total.ts [--runs N] [--no-cache] [--compare OTHER/dist/makeimg.js]...
 * --compare (repeatable) times other bundles in the same run, interleaved
 * run by run with this one so a change of the machine's load hits all alike
 * (e.g. a build of the commit before a change to the confinement: its cost,
 * side by side; `git archive REV | tar -x -C DIR`, node_modules linked,
 * `node scripts/bundle.mjs` there). --no-cache runs do_install every time
 * (as the by-hand variants do): without it makeimg restores the install
 * stage from its cache after the warm-up, and an older bundle without a cache
 * does not.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { systemdIsPid1 } from '../pipeline/src/host';
import { NO_SYSTEMD_FLAGS } from '../pipeline/src/confine/nspawn';
import { percentile } from './support/stats';

const REPO = path.resolve(__dirname, '..');
const TINY = path.join(REPO, 'examples/tiny');
const MAKEIMG = path.join(REPO, 'dist/makeimg.js');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** Every value of a repeatable option. */
function options(name: string): string[] {
  return process.argv.flatMap((a, i) => (a === name && process.argv[i + 1] !== undefined ? [process.argv[i + 1]!] : []));
}

function runs(): number {
  return Number(option('--runs') ?? 7);
}

function bash(script: string, env: Record<string, string> = {}): void {
  // stderr is only shown when the script fails (execFileSync puts it in the error).
  execFileSync('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
}

const NSPAWN_COMMON = ['--quiet', '--console=pipe', ...(systemdIsPid1() ? [] : NO_SYSTEMD_FLAGS)].join(' ');

/** The tiny example's stages typed out by hand. `confined` runs the hooks in systemd-nspawn. */
function byHand(src: string, out: string, confined: boolean): void {
  const img = path.join(out, 'tiny');
  const defs = `source ${src}/image.sh; declare -p image_user image_uid; declare -f passwd_line do_postinstall`;
  const install = confined
    ? `systemd-nspawn ${NSPAWN_COMMON} --volatile=yes --directory=/ --bind-ro=/etc --bind-ro="$src" --chdir="$src" --bind="$img" \
         bash -c 'src_dir="$1"; img_dir="$2"; source "$1/image.sh"; set -e; do_install' _ "$src" "$img"`
    : `(src_dir="$src"; img_dir="$img"; cd "$src"; source image.sh; set -e; do_install)`;
  const post = confined
    ? `systemd-nspawn ${NSPAWN_COMMON} -D "$img" bash -c "$(bash -c "${defs}"); set -e; do_postinstall"`
    : `chroot "$img" /bin/bash -c "$(bash -c "${defs}"); set -e; do_postinstall"`;
  bash(`set -e
src=${src}; img=${img}
mkdir -p "$img/etc" "$img/usr/lib"
cp "$src/files/motd" "$img/etc/motd"
${install}
cp "$src/files/os-release" "$img/usr/lib/os-release"
${post}
tar -C "$img" --numeric-owner --xattrs --acls -cf - . | pigz -c > "$img.tar.gz"
rm -rf "$img"`);
}

function stats(ms: number[]): string {
  const f = (x: number) => x.toFixed(0).padStart(5);
  return `median ${f(percentile(ms, 50))} ms   min ${f(Math.min(...ms))} ms   max ${f(Math.max(...ms))} ms`;
}

async function time(label: string, n: number, once: (out: string) => void | Promise<void>): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < n + 1; i++) {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-bench-'));
    const t0 = performance.now();
    await once(out);
    const ms = performance.now() - t0;
    if (i > 0) samples.push(ms); // the first run warms caches
    await fs.rm(out, { recursive: true, force: true });
  }
  console.log(`${label.padEnd(34)} ${stats(samples)}`);
}

/** Like `time` for several variants, taking turns run by run (one warm-up each). */
async function timeInterleaved(variants: { label: string; run: (out: string) => void }[], n: number): Promise<void> {
  const samples = variants.map(() => [] as number[]);
  for (let i = 0; i < n + 1; i++) {
    for (const [k, v] of variants.entries()) {
      const out = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-bench-'));
      const t0 = performance.now();
      v.run(out);
      const ms = performance.now() - t0;
      if (i > 0) samples[k]!.push(ms);
      await fs.rm(out, { recursive: true, force: true });
    }
  }
  const width = Math.max(34, ...variants.map((v) => v.label.length));
  for (const [k, v] of variants.entries()) console.log(`${v.label.padEnd(width)} ${stats(samples[k]!)}`);
}

async function main(): Promise<void> {
  if (process.geteuid?.() !== 0) throw new Error('run as root');
  await fs.access(MAKEIMG).catch(() => {
    throw new Error('dist/makeimg.js is missing: run npm run build first');
  });
  const n = runs();
  console.log(`pipeline total time, examples/tiny -> tiny.tar.gz (${n} runs each after one warm-up, ${os.cpus().length} cores)`);
  const noCache = process.argv.includes('--no-cache') ? ['--no-cache'] : [];
  console.log(
    noCache.length ? 'makeimg --no-cache: do_install runs every time' : 'makeimg with its install cache (restored after the warm-up)',
  );
  // Named as given on the command line (this checkout's bundle: dist/makeimg.js).
  const bundles: [string, string][] = [
    ['dist/makeimg.js', MAKEIMG],
    ...options('--compare').map((b): [string, string] => [b, path.resolve(b)]),
  ];
  await timeInterleaved(
    bundles.map(([name, bundle]) => ({
      label: `makeimg (${name})`,
      run: (out: string) => {
        execFileSync(process.execPath, [bundle, ...noCache, out], { cwd: TINY, stdio: 'ignore' });
      },
    })),
    n,
  );
  await time('by hand, hooks in systemd-nspawn', n, (out) => byHand(TINY, out, true));
  await time('by hand, unconfined (chroot)', n, (out) => byHand(TINY, out, false));
  await time('node start-up alone (--version)', n, () => {
    execFileSync(process.execPath, [MAKEIMG, '--version'], { stdio: 'ignore' });
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
