/**
 * makeimg killed with SIGKILL (or crashing) in the middle of a build: every
 * process of the build dies with it (the process runner's parent-death
 * signal), and the next run removes what it left (control directories, a
 * partial archive) and names the working directory's killed owner. A build
 * that finds another live build of the same image says so.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT } from '../../shared/events';
import { alive, descendants, stat } from './support/processes';
import { processesMatching, project, Scratch, tinyProject } from './support/projects';
import { errorEvent, runMakeimg, startMakeimg, type RunningMakeimg } from './support/run-makeimg';

async function until(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function controlDirsOf(pid: number): string[] {
  return readdirSync(os.tmpdir())
    .filter((n) => n.startsWith(`makeimg-${pid}-`))
    .map((n) => path.join(os.tmpdir(), n));
}

/** Kill makeimg with SIGKILL; then no process of its build may be left 2 s later. */
async function killBuild(run: RunningMakeimg): Promise<void> {
  const tree = descendants(run.child.pid!);
  assert.ok(
    tree.some((p) => /\(systemd-nspawn\)|\(tar\)|\(xz\)/.test(stat(p) ?? '')),
    'the build has children to lose',
  );
  run.child.kill('SIGKILL');
  await run.done;
  await until(`no process of the build survives (${tree.filter(alive).join(' ')})`, () => tree.every((p) => !alive(p)), 2000);
}

describe('makeimg killed with SIGKILL (real systemd-nspawn)', function () {
  this.timeout(180_000);
  const scratch = Scratch.forRootSuite();
  const running: RunningMakeimg[] = [];
  afterEach(async () => {
    // A failed assertion must not leave a build running.
    for (const run of running.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGTERM');
        await run.done;
      }
    }
  });
  const start = (args: string[]): RunningMakeimg => {
    const run = startMakeimg(args);
    running.push(run);
    return run;
  };

  it('during do_install: the container dies with it; the next run removes its control directory and names the killed build', async () => {
    const marker = 4000 + Math.floor(Math.random() * 900);
    const src = await project(
      scratch,
      `img_name=killed.tar.zst
do_install()
{
    sleep ${marker} &
    echo "waiting"
    while :; do date +%s%N > "$img_dir/alive"; sleep 0.1; done
}
`,
    );
    const base = await scratch.dir('out');
    const run = start(['--json', '--directory', src, base]);
    await run.waitFor((e) => e.type === 'log' && e.text === 'waiting');
    await until('the hook runs', () => processesMatching(`sleep ${marker}`).length === 1);
    const controlDirs = controlDirsOf(run.child.pid!);
    assert.equal(controlDirs.length, 1, 'the hook has a control directory');

    await killBuild(run);
    assert.deepEqual(processesMatching(`sleep ${marker}`), []);
    // Nothing writes into $img_dir any more.
    const alive = path.join(base, 'killed', 'alive');
    const last = await fs.readFile(alive, 'utf8');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await fs.readFile(alive, 'utf8'), last);
    // No mount of this build is left (other builds may mount and unmount meanwhile: look at this one's paths).
    const ours = (): string[] =>
      readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .filter((l) => l.includes(base) || l.includes(controlDirs[0]!));
    await until('nspawn unmounted what it mounted', () => ours().length === 0);

    const again = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(again.code, EXIT.INVALID, again.stderr);
    assert.match(
      errorEvent(again)!.message,
      new RegExp(
        `working directory ${path.join(base, 'killed')} of an earlier build was kept \\(left by makeimg \\(pid ${run.child.pid}\\), which is no longer running\\)`,
      ),
    );
    assert.deepEqual(
      controlDirs.filter((d) => existsSync(d)),
      [],
      "the killed build's control directory is removed",
    );
    assert.ok(
      again.events.some((e) => e.type === 'log' && e.text.startsWith(`removed ${controlDirs[0]}, a control directory left by makeimg`)),
    );
    assert.deepEqual(await fs.readdir(base), ['killed'], 'no lease of the killed build is left');
  });

  it('while archiving: tar and the compressor die with it; the next run removes the partial archive', async () => {
    // 64 MiB of random data keep xz busy long enough to be interrupted.
    const src = await tinyProject(scratch, 'big.tar.xz', 'postinstall_files_src+=(random.bin)\npostinstall_files_dst+=(random.bin)');
    await fs.writeFile(path.join(src, 'random.bin'), randomBytes(64 << 20));
    const base = await scratch.dir('out');
    const run = start(['--json', '--directory', src, base]);
    await run.waitFor((e) => e.type === 'progress' && e.done > 0);

    await killBuild(run);
    const left = await fs.readdir(base);
    const partial = left.find((n) => n.startsWith('.big.tar.xz.partial-'));
    assert.ok(partial, `a partial archive is left: ${left.join(' ')}`);

    const again = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(again.code, EXIT.INVALID, again.stderr);
    assert.match(
      errorEvent(again)!.message,
      /working directory .*big of an earlier build was kept \(left by makeimg \(pid \d+\), which is no longer running\)/,
    );
    const notes = again.events.flatMap((e) => (e.type === 'log' ? [e.text] : []));
    assert.ok(
      notes.includes(
        `removed ${path.join(base, partial)}, a partial archive left by makeimg (pid ${run.child.pid}), which is no longer running`,
      ),
      notes.join('\n'),
    );
    assert.deepEqual(await fs.readdir(base), ['big']);
  });

  it('a build of an image another makeimg is building right now says so and touches nothing', async () => {
    const src = await project(
      scratch,
      `img_name=busy.tar
do_install()
{
    echo "waiting"
    sleep 60
}
`,
    );
    const base = await scratch.dir('out');
    const first = start(['--json', '--directory', src, base]);
    await first.waitFor((e) => e.type === 'log' && e.text === 'waiting');
    const before = (await fs.readdir(base)).sort();

    const second = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(second.code, EXIT.INVALID, second.stderr);
    assert.match(errorEvent(second)!.message, new RegExp(`busy.tar is being built right now by makeimg \\(pid ${first.child.pid}\\)`));
    assert.deepEqual((await fs.readdir(base)).sort(), before);
    assert.equal(first.child.exitCode, null, 'the first build runs on');
  });
});
