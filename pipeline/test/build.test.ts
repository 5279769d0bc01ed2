/**
 * End-to-end builds of examples/tiny with the real CLI, real systemd-nspawn,
 * real tar and compressors: every archive format, the directory output, and
 * do_postinstall really running inside the new rootfs.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { IMAGE_SUFFIXES, STAGES } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import { extract, Scratch, tinyProject } from './support/projects';
import { resultEvent, runMakeimg } from './support/run-makeimg';

describe('makeimg build (tiny example, real systemd-nspawn)', function () {
  this.timeout(60_000);
  const scratch = Scratch.forRootSuite();

  for (const { suffix } of IMAGE_SUFFIXES) {
    it(`builds tiny${suffix} that keeps owners, a capability and a hard link`, async () => {
      const src = await tinyProject(scratch, `tiny${suffix}`);
      const base = await scratch.dir('img');
      const r = await runMakeimg(['--json', '--directory', src, base]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const imgPath = path.join(base, `tiny${suffix}`);
      const result = resultEvent(r);
      assert.deepEqual(
        { ok: result?.ok, imgPath: result?.imgPath, bytes: result?.bytes },
        { ok: true, imgPath, bytes: statSync(imgPath).size },
      );
      // The working directory is removed after archiving, and nothing else is left beside the image.
      assert.deepEqual(await fs.readdir(base), [`tiny${suffix}`]);

      const out = await scratch.dir('x');
      extract(imgPath, out);
      assert.match(await fs.readFile(path.join(out, 'etc/passwd'), 'utf8'), /^tiny:x:1000:1000::\/home\/tiny:\/bin\/bash$/m);
      assert.equal(
        await fs.readFile(path.join(out, 'usr/lib/os-release'), 'utf8'),
        await fs.readFile(path.join(src, 'files/os-release'), 'utf8'),
      );
      const home = statSync(path.join(out, 'home/tiny'));
      assert.deepEqual([home.uid, home.gid, home.mode & 0o7777], [1000, 1000, 0o750]);
      assert.equal(statSync(path.join(out, 'tmp')).mode & 0o7777, 0o1777);
      const motd = statSync(path.join(out, 'etc/motd'));
      assert.equal(statSync(path.join(out, 'etc/issue')).ino, motd.ino, 'etc/issue is a hard link to etc/motd');
      assert.match(execFileSync('getcap', [path.join(out, 'usr/bin/bash-net')]).toString(), /cap_net_bind_service=ep/);
    });
  }

  it('keeps a directory image when img_name has no .tar suffix; do_postinstall sees image.sh helpers but not the build paths', async () => {
    const src = await tinyProject(
      scratch,
      'tiny-dir',
      `
probe() { echo "helper says $1"; }
do_postinstall()
{
    probe "$image_user" > /etc/probe
    echo "img_dir=\${img_dir-unset} src_dir=\${src_dir-unset} img_path=\${img_path-unset}" >> /etc/probe
    echo "root=$(cd / && echo /*)" >> /etc/probe
}`,
    );
    const base = await scratch.dir('img');
    const r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const imgDir = path.join(base, 'tiny-dir');
    const probe = await fs.readFile(path.join(imgDir, 'etc/probe'), 'utf8');
    assert.match(probe, /^helper says tiny$/m);
    assert.match(probe, /^img_dir=unset src_dir=unset img_path=unset$/m);
    // Inside the rootfs, / is the image: its own /home/tiny, not the host's tree.
    assert.match(probe, /^root=.*\/home .*\/usr/m);
    assert.doesNotMatch(probe, /\/work|\/node_modules/);
    const stages = r.events.filter((e) => e.type === 'stage' && e.stage === 'archive');
    assert.deepEqual(
      stages.map((e) => (e as { state: string }).state),
      ['skip'],
    );
    assert.equal(resultEvent(r)?.imgPath, imgDir);
  });

  it('--json prints the documented event sequence', async () => {
    const src = await tinyProject(scratch, 'tiny.tar');
    const base = await scratch.dir('img');
    const r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, 0, r.stderr);
    // Every stdout line is one event.
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, r.events.length);
    const stageEvents = r.events.filter((e): e is Extract<BuildEvent, { type: 'stage' }> => e.type === 'stage');
    assert.deepEqual(
      stageEvents.map((e) => `${e.index}/${e.total} ${e.stage} ${e.state}`),
      STAGES.flatMap((s, i) => [`${i + 1}/${STAGES.length} ${s} start`, `${i + 1}/${STAGES.length} ${s} end`]),
    );
    for (const e of stageEvents.filter((s) => s.state === 'end')) assert.ok(typeof e.ms === 'number' && e.ms >= 0);
    // Hook output arrives as log events of its stage; archive progress counts up to the tree size.
    assert.ok(r.events.some((e) => e.type === 'log' && e.stage === 'preinstall' && /files\/motd/.test(e.text)));
    const progress = r.events.filter((e): e is Extract<BuildEvent, { type: 'progress' }> => e.type === 'progress');
    assert.ok(progress.length > 0);
    const last = progress[progress.length - 1]!;
    assert.equal(last.done, last.total);
    assert.ok(last.total > 1_000_000, `tree size ${last.total}`);
    assert.deepEqual(r.events[r.events.length - 1]!.type, 'result');
  });

  it('builds into ./img of the project by default, printing stage headings and the final path and size for people', async () => {
    // img_dir_base inside the read-only $src_dir: $img_dir must still be writable in the confinement.
    const src = await tinyProject(scratch, 'tiny.tar.gz');
    const r = await runMakeimg([], { cwd: src, env: { HOME: await scratch.dir('home'), SUDO_USER: '', PKEXEC_UID: '' } });
    assert.equal(r.code, 0, r.stderr);
    const imgPath = path.join(src, 'img', 'tiny.tar.gz');
    assert.ok(statSync(imgPath).size > 1_000_000);
    assert.match(r.stdout, /^==> \[1\/5\] Resolve$/m);
    assert.match(r.stdout, /^ {4}Install done in \d+/m);
    assert.match(r.stdout, new RegExp(`^Built ${imgPath} \\(\\d+(\\.\\d)? MiB\\) in `, 'm'));
    assert.doesNotMatch(r.stdout + r.stderr, /\x1b\[/);
  });
});
