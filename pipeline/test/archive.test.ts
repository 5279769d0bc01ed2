/**
 * The archive stage with the real GNU tar and compressors, as root (owners,
 * device nodes and file capabilities need it).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { IMAGE_SUFFIXES } from '../../shared/contract';
import { archiveImage, OutputExistsError } from '../src/archive/stage';
import { publishWithoutOverwrite, temporaryPathFor } from '../src/archive/output';
import { COMPRESSOR_ARGS, compressorFor } from '../src/archive/compressors';
import { RECORD_SIZE_ARG, tarArguments, tarEnvironment } from '../src/archive/tar';
import {
  buildRootfsTree,
  childPidsNamed,
  describeTree,
  extractArchive,
  isRunning,
  OLD_FILE,
  processesHolding,
  run,
  type BuiltTree,
} from './support/archive-fixture';

const EPOCH = 1_700_000_000;
const never = new AbortController().signal;

async function leftovers(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((n) => n.includes('.partial-'));
}

describe('archive stage (real tar and compressors)', function () {
  let work: string;
  let tree: BuiltTree;

  before(async function () {
    // Owners, mknod and setcap need root; a non-root run fails rather than skipping (CI runs as root).
    if (process.getuid?.() !== 0) throw new Error('the archive tests need root (owners, mknod, setcap)');
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-archive-'));
    tree = await buildRootfsTree(path.join(work, 'rootfs'));
  });
  after(async function () {
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  for (const { suffix } of IMAGE_SUFFIXES) {
    it(`round-trips a rootfs through ${suffix} keeping owners, modes, links, devices, xattrs, ACLs and capabilities`, async () => {
      const out = path.join(work, `rt${suffix}`);
      const { bytes } = await archiveImage({ sourceDir: tree.root, outputPath: out, signal: never });
      assert.equal(bytes, (await fs.stat(out)).size);

      const into = await fs.mkdtemp(path.join(work, 'x-'));
      extractArchive(out, into);
      assert.deepEqual(await describeTree(into, { mtimes: true }), await describeTree(tree.root, { mtimes: true }));
      // The same facts, spelled the way users check them.
      assert.match(run('getcap', [path.join(into, 'bin/ping')]), /cap_net_raw[=+]ep/);
      assert.match(run('getfacl', ['-n', path.join(into, 'home/alice/notes')]), /^user:4321:rw-$/m);
      assert.match(run('getfattr', ['-n', 'user.x', path.join(into, 'etc/hostname')]), /user\.x="hello"/);
      const [a, b] = await Promise.all(['etc/passwd', 'etc/passwd-hardlink'].map((p) => fs.stat(path.join(into, p))));
      assert.equal(a!.ino, b!.ino);
      assert.deepEqual(await leftovers(work), []);
    });
  }

  it("writes 64 KiB records, the same members as tar's default 10 KiB records (fewer system calls)", async () => {
    const out = path.join(work, 'records.tar');
    await archiveImage({ sourceDir: tree.root, outputPath: out, signal: never, sourceDateEpoch: EPOCH });
    const ours = await fs.readFile(out);
    assert.equal(ours.length % 65536, 0, `${ours.length} bytes: whole 64 KiB records`);
    // tar's default records of the same tree.
    const plain = path.join(work, 'records-default.tar');
    const args = tarArguments(tree.root, EPOCH).filter((a) => a !== RECORD_SIZE_ARG && a !== '--file=-');
    execFileSync('tar', [`--file=${plain}`, ...args], { env: tarEnvironment() });
    const theirs = await fs.readFile(plain);
    assert.equal(theirs.length % 10240, 0);
    // Same members and end blocks; only the zero padding to a whole record differs.
    const common = Math.min(ours.length, theirs.length);
    assert.ok(ours.subarray(0, common).equals(theirs.subarray(0, common)));
    assert.ok(ours.subarray(common).every((b) => b === 0) && theirs.subarray(common).every((b) => b === 0));
  });

  it('writes byte-identical archives for the same tree with sourceDateEpoch, in every format', async () => {
    // The twin lives on tmpfs, whose readdir order follows creation order (unlike ext4's hash order),
    // so the two trees list their directories differently.
    const twinMount = path.join(work, 'twin-mnt');
    await fs.mkdir(twinMount);
    run('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', twinMount]);
    try {
      await checkReproducible(await buildRootfsTree(path.join(twinMount, 'twin'), { reverse: true }));
    } finally {
      run('umount', [twinMount]);
    }
  });

  async function checkReproducible(twin: BuiltTree): Promise<void> {
    for (const { suffix } of IMAGE_SUFFIXES) {
      const first = path.join(work, `repro-1${suffix}`);
      await archiveImage({ sourceDir: tree.root, outputPath: first, signal: never, sourceDateEpoch: EPOCH });
      // New atimes, ctimes and mtimes on every entry newer than the epoch; the archive must not change.
      run('find', ['.', '!', '-path', `./${OLD_FILE}`, '-exec', 'touch', '-h', '{}', '+'], tree.root);
      run('find', [tree.root, '-type', 'f', '-exec', 'cat', '{}', '+']);
      const second = path.join(work, `repro-2${suffix}`);
      await archiveImage({ sourceDir: tree.root, outputPath: second, signal: never, sourceDateEpoch: EPOCH });
      // Another tree with the same content, created in the opposite order.
      const third = path.join(work, `repro-3${suffix}`);
      await archiveImage({ sourceDir: twin.root, outputPath: third, signal: never, sourceDateEpoch: EPOCH });

      const [b1, b2, b3] = await Promise.all([first, second, third].map((f) => fs.readFile(f)));
      assert.ok(b1!.equals(b2!), `${suffix}: same tree after touching gives the same bytes`);
      assert.ok(b1!.equals(b3!), `${suffix}: same content built in another order gives the same bytes`);
    }
    // Numeric owners only (no user names); mtimes clamped: the epoch on everything made after it,
    // the old file keeps its own time.
    const listing = run('tar', ['--full-time', '--utc', '-tvf', path.join(work, 'repro-1.tar')])
      .trim()
      .split('\n');
    assert.ok(listing.length > 20);
    for (const line of listing) {
      const when = line.endsWith(` ./${OLD_FILE}`) ? '2001-09-09 01:46:40' : '2023-11-14 22:13:20';
      assert.match(line, new RegExp(`^\\S+ \\d+/\\d+ +[\\d,]+ ${when} \\./`));
    }
  }

  it('reports progress up to the tree total (regular-file bytes, hard links once)', async () => {
    const calls: [number, number][] = [];
    await archiveImage({
      sourceDir: tree.root,
      outputPath: path.join(work, 'progress.tar.gz'),
      signal: never,
      onProgress: (done, total) => calls.push([done, total]),
    });
    assert.deepEqual(calls.at(-1), [tree.contentBytes, tree.contentBytes]);
    assert.ok(calls.every(([d, t]) => d <= t && t === tree.contentBytes));
  });

  it("takes the total from the caller's walk, started once tar and the compressor run (so it cannot delay them), and not at all when refusing", async () => {
    const running: string[][] = [];
    const calls: [number, number][] = [];
    const treeBytes = async () => {
      running.push(
        execFileSync('ps', ['--ppid', String(process.pid), '-o', 'comm='])
          .toString()
          .split('\n')
          .filter((c) => c === 'tar' || c === 'zstd')
          .sort(),
      );
      return tree.contentBytes;
    };
    const outputPath = path.join(work, 'given-total.tar.zst');
    await archiveImage({ sourceDir: tree.root, outputPath, signal: never, onProgress: (d, t) => calls.push([d, t]), treeBytes });
    assert.deepEqual(running, [['tar', 'zstd']]);
    assert.deepEqual(calls.at(-1), [tree.contentBytes, tree.contentBytes]);
    await assert.rejects(
      archiveImage({ sourceDir: tree.root, outputPath, signal: never, onProgress: () => undefined, treeBytes }),
      OutputExistsError,
    );
    assert.equal(running.length, 1);
  });

  it('reports progress while tar runs, below the total until done, at most ~10 times a second', async () => {
    const megabytes = 24;
    const big = await bigTree(work, 'progress-tree', megabytes);
    const gz = compressorFor('x.tar.gz')!.name;
    const calls: [number, number][] = [];
    let sawMidway!: () => void;
    const midway = new Promise<void>((resolve) => (sawMidway = resolve));
    const started = Date.now();
    const result = archiveImage({
      sourceDir: big,
      outputPath: path.join(work, 'progress-big.tar.gz'),
      signal: never,
      onProgress: (done, total) => {
        calls.push([done, total]);
        if (done > 0 && done < total) sawMidway();
      },
    });
    // Freeze the compressor so tar is surely still reading when progress is polled, whatever the machine's speed.
    const compressorPid = await waitForChild(gz);
    process.kill(compressorPid, 'SIGSTOP');
    await midway;
    process.kill(compressorPid, 'SIGCONT');
    await result;
    const elapsed = Date.now() - started;

    const total = megabytes << 20;
    assert.deepEqual(calls.at(-1), [total, total]);
    assert.ok(
      calls.slice(0, -1).every(([d, t]) => d < t && t === total),
      'done < total until the archive is written',
    );
    for (let i = 1; i < calls.length; i++) assert.ok(calls[i]![0] >= calls[i - 1]![0], 'done never goes back');
    assert.ok(calls.length <= elapsed / 100 + 2, `${calls.length} updates in ${elapsed} ms`);
  });

  it('pipes tar into the compressor; on abort stops both, removes the temporary file and rejects with an AbortError', async () => {
    const big = await bigTree(work, 'abort-tree', 24);
    const outDir = await fs.mkdtemp(path.join(work, 'abort-out-'));
    const out = path.join(outDir, 'big.tar.gz');
    const gz = compressorFor(out)!.name;
    const controller = new AbortController();
    const result = archiveImage({ sourceDir: big, outputPath: out, signal: controller.signal });
    result.catch(() => undefined); // asserted below

    // Freeze the compressor mid-way (tar then blocks on the full pipe), look, then abort.
    const compressorPid = await waitForChild(gz);
    process.kill(compressorPid, 'SIGSTOP');
    const tarPid = await waitForChild('tar');
    const fd = (pid: number, n: number) => fs.readlink(`/proc/${pid}/fd/${n}`);
    const [tarOut, compIn, compOut] = await Promise.all([fd(tarPid, 1), fd(compressorPid, 0), fd(compressorPid, 1)]);
    const partialSeen = await leftovers(outDir);
    const [tarOutHolders, compInHolders] = await Promise.all([processesHolding(tarOut), processesHolding(compIn)]);
    process.kill(compressorPid, 'SIGCONT');
    controller.abort();

    await assert.rejects(result, (e: Error) => e.name === 'AbortError');
    // The stream went tar -> kernel pipe (node's stdio pipes are socketpairs) -> compressor -> temporary
    // file: no intermediate .tar anywhere, and nothing else (this process included) holds an end of it.
    assert.match(tarOut, /^(pipe|socket):\[\d+\]$/);
    assert.match(compIn, /^(pipe|socket):\[\d+\]$/);
    assert.deepEqual(tarOutHolders, [tarPid]);
    assert.deepEqual(compInHolders, [compressorPid]);
    assert.equal(compOut, path.join(outDir, partialSeen[0] ?? '?'));
    assert.match(partialSeen[0] ?? '', /^\.big\.tar\.gz\.partial-\d+-\d+-[0-9a-f]+$/);
    assert.ok(!isRunning(tarPid) && !isRunning(compressorPid), 'no tar or compressor left');
    assert.deepEqual(await fs.readdir(outDir), [], 'neither the image nor the temporary file is left');
  });

  it('rejects at once when already aborted, without creating anything', async () => {
    const outDir = await fs.mkdtemp(path.join(work, 'pre-abort-'));
    await assert.rejects(archiveImage({ sourceDir: tree.root, outputPath: path.join(outDir, 'x.tar'), signal: AbortSignal.abort() }), {
      name: 'AbortError',
    });
    assert.deepEqual(await fs.readdir(outDir), []);
  });

  it('refuses an existing output path and leaves it untouched', async () => {
    const outDir = await fs.mkdtemp(path.join(work, 'exists-'));
    const out = path.join(outDir, 'image.tar.gz');
    await fs.writeFile(out, 'precious');
    await assert.rejects(archiveImage({ sourceDir: tree.root, outputPath: out, signal: never }), (e: Error) => {
      assert.ok(e instanceof OutputExistsError);
      assert.match(e.message, /already exists/);
      return true;
    });
    assert.equal(await fs.readFile(out, 'utf8'), 'precious');
    assert.deepEqual(await fs.readdir(outDir), ['image.tar.gz']);
  });

  it('turns a compressor failure into an Error with its stderr and removes the temporary file', async function () {
    const small = path.join(work, 'full-mnt');
    await fs.mkdir(small);
    run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
    try {
      const big = await bigTree(work, 'enospc-tree', 1);
      await assert.rejects(archiveImage({ sourceDir: big, outputPath: path.join(small, 'full.tar.zst'), signal: never }), (e: Error) => {
        assert.match(e.message, /^zstd failed with exit code \d+ while compressing into .*full\.tar\.zst:\n/);
        assert.match(e.message, /No space left on device/);
        return true;
      });
      assert.deepEqual(await fs.readdir(small), []);
    } finally {
      run('umount', [small]);
    }
  });

  it('passes on what tar warns about when it succeeds (a socket is skipped)', async () => {
    const root = path.join(work, 'with-socket');
    await fs.mkdir(root);
    await fs.writeFile(path.join(root, 'file'), 'x');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(root, 'control.sock'), resolve));
    try {
      const warnings: string[] = [];
      const out = path.join(work, 'with-socket.tar.zst');
      await archiveImage({ sourceDir: root, outputPath: out, signal: never, onWarning: (w) => warnings.push(w) });
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /control\.sock: socket ignored/);
      assert.deepEqual(run('tar', ['-tf', out]).trim().split('\n').sort(), ['./', './file']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports bad input clearly before writing anything', async () => {
    const outDir = await fs.mkdtemp(path.join(work, 'bad-'));
    await assert.rejects(
      archiveImage({ sourceDir: path.join(work, 'missing'), outputPath: path.join(outDir, 'a.tar'), signal: never }),
      /the image directory .*missing does not exist/,
    );
    await assert.rejects(
      archiveImage({ sourceDir: tree.root, outputPath: path.join(outDir, 'a.tgz'), signal: never }),
      /does not end in a supported archive suffix \(\.tar, \.tar\.gz/,
    );
    await assert.rejects(
      archiveImage({ sourceDir: tree.root, outputPath: path.join(tree.root, 'self.tar'), signal: never }),
      /cannot be written inside the tree it archives/,
    );
    await assert.rejects(
      archiveImage({ sourceDir: tree.root, outputPath: path.join(outDir, 'no/such/dir/a.tar'), signal: never }),
      /the directory .*no\/such\/dir does not exist/,
    );
    await assert.rejects(
      archiveImage({ sourceDir: tree.root, outputPath: path.join(outDir, 'a.tar'), signal: never, sourceDateEpoch: -5 }),
      /SOURCE_DATE_EPOCH must be a whole number/,
    );
    assert.deepEqual(await fs.readdir(outDir), []);
  });
});

describe('publishing the finished archive', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-publish-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('gives the temporary file its final name', async () => {
    const tmp = temporaryPathFor(path.join(dir, 'a.tar'));
    await fs.writeFile(tmp, 'archive');
    await publishWithoutOverwrite(tmp, path.join(dir, 'a.tar'));
    assert.deepEqual(await fs.readdir(dir), ['a.tar']);
    assert.equal(await fs.readFile(path.join(dir, 'a.tar'), 'utf8'), 'archive');
  });
  it('never replaces a file that appeared at the final name meanwhile', async () => {
    const out = path.join(dir, 'a.tar');
    const tmp = temporaryPathFor(out);
    await fs.writeFile(tmp, 'archive');
    await fs.writeFile(out, 'someone else');
    await assert.rejects(publishWithoutOverwrite(tmp, out), OutputExistsError);
    assert.equal(await fs.readFile(out, 'utf8'), 'someone else');
  });
});

describe('compressor choice', () => {
  let bin: string;
  before(async () => {
    bin = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-path-'));
  });
  after(async () => {
    await fs.rm(bin, { recursive: true, force: true });
  });
  const provide = (name: string) => fs.symlink('/usr/bin/true', path.join(bin, name));

  it('prefers the multi-threaded program and falls back to the classic one', async () => {
    await provide('gzip');
    assert.equal(compressorFor('/x/a.tar.gz', bin)?.name, 'gzip');
    await provide('pigz');
    assert.deepEqual(compressorFor('/x/a.tar.gz', bin), { name: 'pigz', program: path.join(bin, 'pigz'), args: ['-n', '-c'] });
  });
  it('prefers lbzip2, then pbzip2, then bzip2 for .tar.bz2', async () => {
    await provide('bzip2');
    assert.equal(compressorFor('/x/a.tar.bz2', bin)?.name, 'bzip2');
    await provide('pbzip2');
    assert.equal(compressorFor('/x/a.tar.bz2', bin)?.name, 'pbzip2');
    await provide('lbzip2');
    assert.deepEqual(compressorFor('/x/a.tar.bz2', bin), { name: 'lbzip2', program: path.join(bin, 'lbzip2'), args: ['-c'] });
  });
  it('scripts/install-deps installs the preferred (multi-threaded) compressor of every format', async () => {
    const script = await fs.readFile(path.join(__dirname, '../../scripts/install-deps'), 'utf8');
    const list = /^packages=\(([^)]*)\)/m.exec(script)?.[1]?.split(/\s+/) ?? [];
    const debianPackage: Record<string, string> = { xz: 'xz-utils' };
    for (const s of IMAGE_SUFFIXES) {
      const first = s.compressors[0];
      if (first) assert.ok(list.includes(debianPackage[first] ?? first), `${s.suffix}: ${first} is not in install-deps' packages`);
    }
  });
  it('knows the command line of every compressor the contract names', () => {
    for (const s of IMAGE_SUFFIXES) for (const c of s.compressors) assert.ok(COMPRESSOR_ARGS[c], `${s.suffix}: ${c}`);
  });
  it('uses no compressor for .tar and says what to install when none is found', () => {
    assert.equal(compressorFor('/x/a.tar', bin), undefined);
    assert.throws(() => compressorFor('/x/a.tar.zst', bin), /no compressor for \.tar\.zst found on PATH: install one of zstd/);
  });
});

/** The pid of this process's child named `name`, as soon as it exists. */
async function waitForChild(name: string): Promise<number> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    const [pid] = await childPidsNamed([name]);
    if (pid) return pid;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no child process ${name} appeared`);
}

/** A tree of `megabytes` of incompressible files, so tar and the compressor run for a while. */
async function bigTree(work: string, name: string, megabytes: number): Promise<string> {
  const root = path.join(work, name);
  await fs.mkdir(root, { recursive: true });
  for (let i = 0; i < megabytes; i++) await fs.writeFile(path.join(root, `blob-${i}`), randomBytes(1 << 20));
  return root;
}
