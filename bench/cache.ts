/**
 * Benchmark of the install cache: a debootstrap minbase bookworm image
 * (.tar.zst) built cold (empty cache: do_install runs, and its tree is
 * saved), then rebuilt after an edit of do_postinstall (warm: the install
 * stage is restored). Target: warm <= 10% of cold.
 *
 * Then the copy mechanism on the cached tree itself, side by side: the
 * cache's `cp -a --reflink=auto` against `tar --xattrs --acls` piped into
 * `tar -x` (both keep owners, modes, hard links, xattrs, ACLs, capabilities,
 * devices; tar drops sockets), as a save (tree -> new directory).
 *
 * Run as root after `npm run build` (uses dist/makeimg.js and the network):
 *   node --import tsx bench/cache.ts [--copies N] [--keep-image PATH]
 * --keep-image copies the warm build's image to PATH (bench/run-all hands it
 * to bench/image-report.ts: a real debootstrap image without a second build).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { treeContentBytes } from '../pipeline/src/archive/tree-size';
import { decodeEvent, type StageEvent } from '../shared/events';
import { percentile } from './support/stats';

const REPO = path.resolve(__dirname, '..');
const MAKEIMG = path.join(REPO, 'dist/makeimg.js');

const IMAGE_SH = `img_name=bookworm.tar.zst
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources | head -n 1)

do_install()
{
    debootstrap --variant=minbase bookworm "$img_dir" "\${mirror:-http://deb.debian.org/debian}"
}

do_postinstall()
{
    useradd --create-home --uid 1500 --shell /bin/bash builder
}
`;

interface Build {
  seconds: number;
  stages: Record<string, number>;
  install?: StageEvent;
}

function makeimg(src: string, base: string, cacheDir: string): Build {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [MAKEIMG, '--json', '--directory', src, '--cache-dir', cacheDir, base], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`makeimg failed (${r.status}): ${r.stderr}\n${r.stdout.slice(-2000)}`);
  const stages: Record<string, number> = {};
  let install: StageEvent | undefined;
  for (const line of r.stdout.split('\n')) {
    const e = decodeEvent(line);
    if (e?.type !== 'stage') continue;
    if (e.state === 'end') stages[e.stage] = (e.ms ?? 0) / 1000;
    if (e.stage === 'install' && e.state === 'start') install = e;
  }
  return { seconds, stages, install };
}

function timed(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function sh(script: string, ...args: string[]): void {
  execFileSync('bash', ['-c', script, 'bash', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

function stageList(b: Build): string {
  return Object.entries(b.stages)
    .map(([s, t]) => `${s} ${t.toFixed(1)}`)
    .join(', ');
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root');
  const i = process.argv.indexOf('--copies');
  const copies = i > 0 ? Number(process.argv[i + 1]) : 3;
  const k = process.argv.indexOf('--keep-image');
  const keepImage = k > 0 ? process.argv[k + 1] : undefined;
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-bench-cache-'));
  try {
    const src = path.join(root, 'project');
    await fs.mkdir(src);
    await fs.writeFile(path.join(src, 'image.sh'), IMAGE_SH);
    const cacheDir = path.join(root, 'cache');
    console.log(
      `machine: ${os.cpus().length} cores, load average at start ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );

    const cold = makeimg(src, path.join(root, 'cold'), cacheDir);
    if (cold.install?.cached !== false) throw new Error('the cold build did not run do_install');
    await fs.writeFile(path.join(src, 'image.sh'), IMAGE_SH.replace('builder', 'builder2'));
    const warm = makeimg(src, path.join(root, 'warm'), cacheDir);
    if (warm.install?.cached !== true) throw new Error('the warm build did not restore the install stage');
    const mib = (warm.install.cacheBytes ?? 0) / 2 ** 20;
    if (keepImage) await fs.copyFile(path.join(root, 'warm', 'bookworm.tar.zst'), keepImage);
    console.log(`cold build (debootstrap runs, tree saved): ${cold.seconds.toFixed(1)} s  [${stageList(cold)}]`);
    console.log(`warm rebuild after a do_postinstall edit:  ${warm.seconds.toFixed(1)} s  [${stageList(warm)}]`);
    console.log(
      `warm / cold: ${((warm.seconds / cold.seconds) * 100).toFixed(1)}% (target <= 10%); cached tree ${mib.toFixed(0)} MiB on disk`,
    );

    // The copy mechanism, on the cached tree.
    const [key] = await fs.readdir(path.join(cacheDir, 'entries'));
    const tree = path.join(cacheDir, 'entries', key!, 'tree');
    const bytes = await treeContentBytes(tree);
    console.log(`\ncopying the cached tree (${(bytes / 1e6).toFixed(0)} MB of file content), median of ${copies}, page cache warm:`);
    sh('tar -C "$1" -cf /dev/null .', tree);
    const variants: [string, (to: string) => void][] = [
      ['cp -a --reflink=auto (the cache)', (to) => sh('cp -a --reflink=auto --sparse=auto "$1" "$2"', tree, to)],
      [
        'tar --xattrs --acls | tar -x',
        (to) =>
          sh(
            'mkdir "$2" && tar -C "$1" --numeric-owner --xattrs --xattrs-include="*" --acls -cf - . | tar -C "$2" --numeric-owner --xattrs --xattrs-include="*" --acls --same-permissions -xf -',
            tree,
            to,
          ),
      ],
    ];
    for (const [label, copy] of variants) {
      const times: number[] = [];
      for (let n = 0; n < copies; n++) {
        const to = path.join(root, `copy-${n}`);
        times.push(timed(() => copy(to)));
        await fs.rm(to, { recursive: true, force: true });
      }
      times.sort((a, b) => a - b);
      console.log(
        `  ${label.padEnd(36)} ${percentile(times, 50).toFixed(2)} s (min ${times[0]!.toFixed(2)}, max ${times.at(-1)!.toFixed(2)})`,
      );
    }
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
