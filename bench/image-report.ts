/**
 * Benchmark of issue 15's costs on a debootstrap image:
 * 1. the build report's overhead on the archive stage: archiveImage as before
 *    (its own size walk for the progress total) against archiveImage with
 *    the report's scan alongside as the build runs it (started once tar and
 *    the compressor run, it gives the total; the report is computed as soon
 *    as it is done), runs interleaved; target <= 5 %;
 * 2. makeimg: Open Image's index build (ImageSource.open) against `tar -t`
 *    on the same file, for .tar, .tar.zst and .tar.xz; target <= 2x;
 * 3. listing a directory once indexed (what the Explorer asks: readDirectory
 *    resolves every child); target <= 100 ms.
 *
 * Run as root: node --import tsx bench/image-report.ts IMAGE.tar.zst [--runs N] [--index-only | --report-only]
 * IMAGE is a debootstrap image (e.g. examples/debian built: about 200 MB,
 * 8,000 entries); it is extracted once into a temporary directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageSource } from '../client/src/image/image-source';
import { archiveImage } from '../pipeline/src/archive/stage';
import { readHostFacts, type HostFacts } from '../pipeline/src/report/hygiene';
import { buildReport } from '../pipeline/src/report/report';
import type { ImageReport } from '../shared/image-report';
import { scanTree } from '../pipeline/src/report/scan-tree';
import { percentile } from './support/stats';

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const image = args.find((a) => !a.startsWith('--'));
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
  /** --index-only: skip the archive stage part (and the slow xz variant). */
  const indexOnly = args.includes('--index-only');
  /** --report-only: only the archive stage part. */
  const reportOnly = args.includes('--report-only');
  if (!image) throw new Error('usage: bench/image-report.ts IMAGE.tar.zst [--runs N]');
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-bench-report-'));
  try {
    const tree = path.join(work, 'tree');
    await fs.mkdir(tree);
    execFileSync('tar', ['-xpf', image, '-C', tree, '--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls']);
    const host = await readHostFacts();
    const signal = new AbortController().signal;

    // 1. Archive stage with and without the report.
    if (!indexOnly) await archiveOverhead(tree, runs, host, signal);
    if (reportOnly) return;

    // 2. and 3. Open Image: index build against tar -t; directory listings.
    const tarFile = path.join(work, 'image.tar');
    execFileSync('sh', ['-c', 'zstd -dc -q "$1" > "$2"', 'sh', image, tarFile]);
    const files = [tarFile, image];
    if (!indexOnly) {
      const xzFile = path.join(work, 'image.tar.xz');
      execFileSync('sh', ['-c', 'xz -T0 -c "$1" > "$2"', 'sh', tarFile, xzFile]);
      files.push(xzFile);
    }
    for (const file of files) {
      const tarT: number[] = [];
      const index: number[] = [];
      let source: ImageSource | undefined;
      for (let i = 0; i < runs; i++) {
        let t0 = process.hrtime.bigint();
        const r = spawnSync('tar', ['-tf', file], { stdio: ['ignore', 'ignore', 'inherit'] });
        if (r.status !== 0) throw new Error(`tar -t ${file} failed`);
        tarT.push(ms(t0));
        t0 = process.hrtime.bigint();
        source = await ImageSource.open(file);
        index.push(ms(t0));
      }
      const t = percentile(tarT, 50);
      const x = percentile(index, 50);
      console.log(
        `index ${path.basename(file)} (${source!.entryCount} entries), median: tar -t ${t.toFixed(0)} ms, Open Image index ${x.toFixed(0)} ms, ratio ${(x / t).toFixed(2)} (target <= 2)`,
      );
      const listings: number[] = [];
      for (const dir of ['/', '/usr/bin', '/usr/lib/x86_64-linux-gnu', '/usr/share/doc', '/etc', '/var/lib/dpkg/info']) {
        const t0 = process.hrtime.bigint();
        for (const name of source!.list(dir)) source!.resolve(`${dir === '/' ? '' : dir}/${name}`);
        listings.push(ms(t0));
      }
      console.log(
        `  list + stat every child of 6 directories (up to ${Math.max(...['/usr/bin', '/var/lib/dpkg/info'].map((d) => source!.list(d).length))} entries): max ${Math.max(...listings).toFixed(2)} ms (target <= 100 ms)`,
      );
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** CPU time of this process and of its children that were waited for (ms; children in clock ticks of 10 ms). */
function cpuMs(): number {
  const own = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (own.user + own.system) / 1000 + (Number(fields[13]) + Number(fields[14])) * 10;
}

/** The archive stage (.tar.zst) without and with the build report, runs interleaved. */
async function archiveOverhead(tree: string, runs: number, host: HostFacts, signal: AbortSignal): Promise<void> {
  const work = path.dirname(tree);
  const plain: number[] = [];
  const withReport: number[] = [];
  const cpu = { plain: 0, report: 0 };
  let report;
  for (let i = 0; i < runs; i++) {
    for (const variant of i % 2 === 0 ? ['plain', 'report'] : ['report', 'plain']) {
      const out = path.join(work, `out-${variant}-${i}.tar.zst`);
      const cpu0 = cpuMs();
      const t0 = process.hrtime.bigint();
      if (variant === 'plain') {
        await archiveImage({ sourceDir: tree, outputPath: out, signal, onProgress: () => undefined });
        plain.push(ms(t0));
      } else {
        // As the build does (pipeline/src/build.ts): the scan starts once tar and the compressor run, gives
        // the progress total, and the report is computed as soon as the scan is done.
        let reporting: Promise<ImageReport> | undefined;
        await archiveImage({
          sourceDir: tree,
          outputPath: out,
          signal,
          onProgress: () => undefined,
          treeBytes: () => {
            const scanning = scanTree(tree, signal);
            reporting = scanning.then((s) => buildReport(s, { host }));
            return scanning.then((s) => s.entries.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0));
          },
        });
        report = await reporting!;
        withReport.push(ms(t0));
      }
      cpu[variant as 'plain' | 'report'] += cpuMs() - cpu0;
      await fs.rm(out);
    }
  }
  const p50 = percentile(plain, 50);
  const r50 = percentile(withReport, 50);
  console.log(
    `tree: ${report!.counts.files} files, ${report!.counts.directories} directories, ${report!.counts.symlinks} symlinks, ${(report!.totalBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  console.log(
    `archive stage (.tar.zst), median of ${runs}: without report ${p50.toFixed(0)} ms, with report ${r50.toFixed(0)} ms, overhead ${(((r50 - p50) / p50) * 100).toFixed(1)} % (target <= 5 %)`,
  );
  // Less sensitive to other load than the difference of medians: each run against the other variant's run next to it,
  // and the CPU both took (this process and its children: tar, the compressor, getfattr).
  const pairs = plain.map((p, i) => withReport[i]! - p);
  console.log(
    `  median of the ${runs} paired differences: ${percentile(pairs, 50).toFixed(0)} ms (${((percentile(pairs, 50) / p50) * 100).toFixed(1)} %); CPU per run: without report ${(cpu.plain / runs).toFixed(0)} ms, with report ${(cpu.report / runs).toFixed(0)} ms (+${(((cpu.report - cpu.plain) / cpu.plain) * 100).toFixed(1)} %)`,
  );
  const scanOnly: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    buildReport(await scanTree(tree, signal), { host });
    scanOnly.push(ms(t0));
  }
  console.log(`report alone (scan + checks), median: ${percentile(scanOnly, 50).toFixed(0)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
