/**
 * Benchmark of the archive stage: archiveImage (GNU tar streamed into the
 * compressor the pipeline picks) against the original makeimg approach (tar
 * to a .tar file, then compress that file with the format's program and its
 * defaults), for all five formats, runs interleaved, on the same
 * rootfs-like tree (~300 MB of binaries, libraries, Python and docs copied from
 * this host once into a temporary directory and reused by later runs).
 *
 * Run as root: node --import tsx bench/archive.ts [--runs N] [--megabytes M]
 *   [--formats tar,tar.gz,tar.bz2,tar.xz,tar.zst] [--xz-study]
 * --xz-study adds xz with other thread counts, block size and memory limit.
 * Page cache is warm for every variant (the tree is read once first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs, existsSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ARCHIVE_SUFFIX_PREFIX } from '../shared/contract';
import { archiveImage } from '../pipeline/src/archive/stage';
import { RECORD_SIZE_ARG, tarArguments, tarEnvironment } from '../pipeline/src/archive/tar';
import { treeContentBytes } from '../pipeline/src/archive/tree-size';
import { findOnPath } from '../pipeline/src/archive/compressors';
import { runProcess } from '../shared/process';
import { percentile, processCpuMs } from './support/stats';

/** Host directories the tree is copied from, with how many MB each may contribute. */
const SOURCES: readonly [string, number][] = [
  ['/usr/bin', 70],
  ['/usr/lib/x86_64-linux-gnu', 150],
  ['/usr/lib/python3.11', 50],
  ['/usr/share/doc', 15],
  ['/usr/share/man', 15],
];

interface Options {
  runs: number;
  megabytes: number;
  formats: Suffix[];
  /** Also run xz with other thread counts, block sizes and memory limits. */
  xzStudy: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { runs: 3, megabytes: 300, formats: [...SUFFIXES], xzStudy: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') opts.runs = Number(argv[++i]);
    else if (argv[i] === '--formats') opts.formats = argv[++i]!.split(',').map((f) => (f.startsWith('.') ? f : `.${f}`) as Suffix);
    else if (argv[i] === '--xz-study') opts.xzStudy = true;
    else if (argv[i] === '--megabytes') opts.megabytes = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return opts;
}

/** Copy whole entries of each source (sorted, so every machine with the same files gets the same tree) up to its budget. */
async function generateTree(root: string, megabytes: number): Promise<void> {
  const marker = path.join(root, `.complete-${megabytes}`);
  if (existsSync(marker)) return;
  await fs.rm(root, { recursive: true, force: true });
  const scale = megabytes / SOURCES.reduce((n, [, mb]) => n + mb, 0);
  for (const [source, mb] of SOURCES) {
    if (!existsSync(source)) continue;
    let budget = mb * scale * 1024 * 1024;
    const dest = path.join(root, source);
    await fs.mkdir(dest, { recursive: true });
    for (const name of (await fs.readdir(source)).sort()) {
      const from = path.join(source, name);
      const st = await fs.lstat(from);
      const size = st.isDirectory() ? await treeContentBytes(from) : st.isFile() ? st.size : 0;
      if (size > budget) continue;
      execFileSync('cp', ['-a', from, dest]);
      budget -= size;
    }
  }
  await fs.writeFile(marker, '');
}

/** CPU seconds (user + system) used so far by this process's finished children (utime/stime of waited-for children). */
async function childrenCpuSeconds(): Promise<number> {
  return Promise.resolve(processCpuMs('self').children / 1000);
}

/** Seconds a function takes. */
async function seconds(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * The original way: tar writes a .tar file, then the compressor (if any) turns that file into the image.
 * Same tar flags as makeimg's except the record size, where the original used tar's default (10 KiB)
 * unless `sameRecords`.
 */
function tarThenCompress(tree: string, outDir: string, compressor: string[] | undefined, suffix: string, sameRecords = false): Written {
  const tarFile = path.join(outDir, 'original.tar');
  const args = tarArguments(tree)
    .filter((a) => sameRecords || a !== RECORD_SIZE_ARG)
    .map((a) => (a === '--file=-' ? `--file=${tarFile}` : a));
  const tar = spawnSync('tar', args, { env: tarEnvironment(), stdio: ['ignore', 'ignore', 'inherit'] });
  if (tar.status !== 0) throw new Error(`tar failed (${tar.status})`);
  const intermediate = statSync(tarFile).size;
  if (!compressor) return { image: tarFile, intermediate: 0 };
  const comp = spawnSync(compressor[0]!, [...compressor.slice(1), tarFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (comp.status !== 0) throw new Error(`${compressor.join(' ')} failed (${comp.status})`);
  return { image: tarFile + suffix.slice(ARCHIVE_SUFFIX_PREFIX.length), intermediate };
}

/** The image written, and how many bytes went to disk before it (the intermediate .tar). */
interface Written {
  image: string;
  intermediate: number;
}

interface Variant {
  label: string;
  run: (outDir: string) => Promise<Written>;
}

type Suffix = '.tar' | '.tar.gz' | '.tar.bz2' | '.tar.xz' | '.tar.zst';
const SUFFIXES: readonly Suffix[] = ['.tar', '.tar.gz', '.tar.bz2', '.tar.xz', '.tar.zst'];

/** The original makeimg's compressor per format, run on the .tar file it wrote (defaults: one thread). */
const ORIGINAL: Record<Suffix, string[] | undefined> = {
  '.tar': undefined,
  '.tar.gz': ['gzip', '-n'],
  '.tar.bz2': ['bzip2'],
  '.tar.xz': ['xz'],
  '.tar.zst': ['zstd', '-q', '--rm'],
};

/** tar streamed into `compressor` by a shell pipe: the archive stage's shape with other compressor flags. */
function streamedWith(tree: string, compressor: string[], suffix: Suffix): Variant {
  return {
    label: `tar | ${compressor.join(' ')}`,
    run: async (outDir) => {
      const out = path.join(outDir, `variant${suffix}`);
      const tar = ['tar', ...tarArguments(tree)].map((a) => `'${a}'`).join(' ');
      const r = spawnSync('bash', ['-c', `set -o pipefail; ${tar} | ${compressor.join(' ')} > '${out}'`], {
        env: { ...process.env, ...tarEnvironment() },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      if (r.status !== 0) throw new Error(`${compressor.join(' ')} failed (${r.status})`);
      return { image: out, intermediate: 0 };
    },
  };
}

function variantsFor(suffix: Suffix, tree: string, xzStudy: boolean): Variant[] {
  const streamed: Variant = {
    label: 'makeimg: archiveImage, streamed',
    run: async (outDir) => {
      const out = path.join(outDir, `streamed${suffix}`);
      // With progress, as in a build (tar's /proc/PID/io polled every 100 ms).
      await archiveImage({ sourceDir: tree, outputPath: out, signal: new AbortController().signal, onProgress: () => undefined });
      return { image: out, intermediate: 0 };
    },
  };
  const originalCommand = ORIGINAL[suffix];
  const original: Variant = {
    label: `tar file, then ${originalCommand?.[0] ?? 'nothing'} (original)`,
    run: async (outDir) => tarThenCompress(tree, outDir, originalCommand, suffix),
  };
  const list = [original, streamed];
  if (suffix === '.tar') {
    // Where makeimg's .tar time goes: its tar flags without the fsync makeimg does before publishing.
    list.push({
      label: "tar file, makeimg's records, no fsync",
      run: async (outDir) => tarThenCompress(tree, outDir, undefined, suffix, true),
    });
  }
  if (suffix === '.tar.xz' && xzStudy) {
    list.push(
      streamedWith(tree, ['xz', '-T1', '-c'], suffix),
      streamedWith(tree, ['xz', '-T0', '-c'], suffix),
      streamedWith(tree, ['xz', '-T0', '--block-size=8MiB', '-c'], suffix),
      streamedWith(tree, ['xz', '-T0', '--memlimit-compress=100%', '-c'], suffix),
    );
  }
  return list;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root (the archive keeps owners and xattrs like a real build)');
  const opts = parseArgs(process.argv.slice(2));
  const tree = path.join(os.tmpdir(), 'makeimg-bench-rootfs');
  const genSeconds = await seconds(() => generateTree(tree, opts.megabytes));
  const bytes = await treeContentBytes(tree);
  const files = Number(execFileSync('sh', ['-c', `find "$1" | wc -l`, 'sh', tree], { encoding: 'utf8' }).trim());
  execFileSync('tar', ['-C', tree, '-cf', '/dev/null', '.']); // warm the page cache
  // A build has started processes (nspawn) long before it archives: load the process runner (execa, about
  // 0.15 s) now, as there, instead of inside makeimg's first timed run.
  await runProcess(['true']);
  console.log(`tree: ${(bytes / 1e6).toFixed(0)} MB in ${files} entries at ${tree} (generated in ${genSeconds.toFixed(1)} s)`);
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${tarVersion()}`,
  );
  console.log(`runs per variant: ${opts.runs}; medians of wall time and of CPU time (user+sys of tar and compressor)\n`);
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );

  for (const suffix of opts.formats) {
    if (!SUFFIXES.includes(suffix)) throw new Error(`unknown format ${suffix}`);
    // Interleaved runs (original, makeimg, original, ...): load changes hit every variant alike.
    const variants = variantsFor(suffix, tree, opts.xzStudy);
    const results = variants.map(() => ({ times: [] as number[], cpu: [] as number[], size: 0, written: 0 }));
    for (let i = 0; i < opts.runs; i++) {
      for (const [v, variant] of variants.entries()) {
        const res = results[v]!;
        const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-bench-out-'));
        try {
          let out: Written = { image: '', intermediate: 0 };
          const cpuBefore = await childrenCpuSeconds();
          res.times.push(await seconds(async () => (out = await variant.run(outDir))));
          res.cpu.push((await childrenCpuSeconds()) - cpuBefore);
          res.size = (await fs.stat(out.image)).size;
          res.written = out.intermediate + res.size;
        } finally {
          await fs.rm(outDir, { recursive: true, force: true });
        }
      }
    }
    for (const [v, variant] of variants.entries()) {
      const { times, cpu, size, written } = results[v]!;
      times.sort((a, b) => a - b);
      console.log(
        `${suffix.padEnd(9)} ${variant.label.padEnd(46)} ${percentile(times, 50).toFixed(2).padStart(7)} s wall ` +
          `(min ${times[0]!.toFixed(2)}, max ${times.at(-1)!.toFixed(2)})  ${percentile(cpu, 50).toFixed(1).padStart(5)} s CPU  ` +
          `${(size / 1e6).toFixed(1)} MB image, ${(written / 1e6).toFixed(0)} MB written`,
      );
    }
  }
}

function tarVersion(): string {
  return execFileSync('tar', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? 'tar';
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
