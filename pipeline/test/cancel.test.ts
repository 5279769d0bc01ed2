/**
 * Cancelling a build in the middle of do_install, both ways the editor and
 * a terminal can: SIGTERM, and closing stdin with --json. Every process of
 * the container ends, no mount stays behind, nothing is at img_path, exit 130.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '../../shared/events';
import { alive, descendants } from './support/processes';
import { mountCount, processesMatching, project, Scratch, tinyProject } from './support/projects';
import { errorEvent, resultEvent, startMakeimg } from './support/run-makeimg';

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('makeimg cancellation (real systemd-nspawn)', function () {
  this.timeout(60_000);
  const scratch = Scratch.forRootSuite();

  const ways: [string, (child: ReturnType<typeof startMakeimg>['child']) => void, RegExp][] = [
    ['SIGTERM', (child) => child.kill('SIGTERM'), /SIGTERM/],
    ['stdin EOF (--json)', (child) => child.stdin.end(), /from the editor/],
  ];

  for (const [how, cancel, reason] of ways) {
    it(`stops do_install on ${how}: exit 130, no processes, no mounts, no image`, async () => {
      // A number no other test uses, to find the hook's processes.
      const marker = 3000 + Math.floor(Math.random() * 900);
      const src = await project(
        scratch,
        `img_name=slow.tar.zst
do_install()
{
    mkdir -p "$img_dir/etc"
    sleep ${marker} &
    echo "waiting"
    sleep ${marker}.5
}
`,
      );
      const base = await scratch.dir('out');
      const mountsBefore = mountCount();
      const run = startMakeimg(['--json', '--directory', src, base]);
      let r;
      try {
        await run.waitFor((e) => e.type === 'log' && e.text === 'waiting');
        // The background sleep may still be between fork and exec: give it a moment.
        await until(() => processesMatching(`sleep ${marker}`).length === 2);
        cancel(run.child);
        r = await run.done;
      } finally {
        // A failed assertion must not leave the build running: cancel it the normal way.
        if (run.child.exitCode === null) {
          run.child.kill('SIGTERM');
          await run.done;
        }
      }
      assert.equal(r.code, EXIT.CANCELLED, r.stderr);
      const result = resultEvent(r)!;
      assert.equal(result.cancelled, true);
      assert.deepEqual(result.kept, [path.join(base, 'slow')]);
      assert.match(result.reason ?? '', reason);
      assert.equal(errorEvent(r), undefined, 'a cancel is not an error');
      assert.deepEqual(processesMatching(`sleep ${marker}`), []);
      // Only this build's containers: other builds may run on the machine meanwhile.
      assert.deepEqual(processesMatching(`systemd-nspawn.*--machine=makeimg-${run.child.pid}-`), []);
      assert.equal(mountCount(), mountsBefore);
      assert.equal(existsSync(path.join(base, 'slow.tar.zst')), false);
      assert.deepEqual(await fs.readdir(base), ['slow']);
    });
  }

  it('stops the archive stage on SIGTERM: no archive and no temporary file left, $img_dir kept', async () => {
    // 64 MiB of random data keep xz busy long enough to be interrupted.
    const src = await tinyProject(scratch, 'big.tar.xz', 'postinstall_files_src+=(random.bin)\npostinstall_files_dst+=(random.bin)');
    await fs.writeFile(path.join(src, 'random.bin'), randomBytes(64 << 20));
    const base = await scratch.dir('out');
    const run = startMakeimg(['--json', '--directory', src, base]);
    try {
      await run.waitFor((e) => e.type === 'progress' && e.done > 0);
      const tree = descendants(run.child.pid!);
      run.child.kill('SIGTERM');
      const r = await run.done;
      assert.equal(r.code, EXIT.CANCELLED, r.stderr);
      assert.equal(resultEvent(r)?.stage, 'archive');
      assert.deepEqual(resultEvent(r)?.kept, [path.join(base, 'big')]);
      assert.deepEqual(await fs.readdir(base), ['big'], 'neither big.tar.xz nor a temporary file');
      // tar and xz of this build (other builds may run meanwhile).
      assert.deepEqual(tree.filter(alive), []);
    } finally {
      if (run.child.exitCode === null) {
        run.child.kill('SIGTERM');
        await run.done;
      }
    }
  });
});
