/**
 * `makeimg shell`: a command inside a built image (examples/tiny), in
 * systemd-nspawn; an archive is extracted to a temporary directory that is
 * gone afterwards (also when the terminal hangs up), and a directory image
 * is never written to. `--boot` runs the image's init as PID 1 and halts it.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SHELL_DIR_PREFIX } from '../src/cli/shell';
import { Scratch, tinyProject } from './support/projects';
import { runMakeimg, startMakeimg } from './support/run-makeimg';

async function shellDirs(): Promise<string[]> {
  return (await fs.readdir(tmpdir())).filter((n) => n.startsWith(SHELL_DIR_PREFIX));
}

describe('makeimg shell', function () {
  this.timeout(180_000);
  const scratch = Scratch.forRootSuite();
  let base: string;
  let src: string;

  before(async () => {
    base = await scratch.dir('img');
    src = await tinyProject(scratch, 'tiny.tar.gz');
    const built = await runMakeimg(['--directory', src, base]);
    assert.equal(built.code, 0, built.stderr);
    const dirImage = await tinyProject(scratch, 'tinydir');
    const builtDir = await runMakeimg(['--directory', dirImage, base]);
    assert.equal(builtDir.code, 0, builtDir.stderr);
  });

  it('runs a command in an archive image and removes the extracted tree', async () => {
    const before = await shellDirs();
    const r = await runMakeimg(['shell', path.join(base, 'tiny.tar.gz'), '--', 'cat', '/usr/lib/os-release']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ID=makeimg-tiny$/m);
    assert.match(r.stderr, /removed \/.*makeimg-shell-/);
    assert.deepEqual(await shellDirs(), before);
  });

  it('never writes to a directory image (volatile overlay)', async () => {
    const image = path.join(base, 'tinydir');
    const r = await runMakeimg(['shell', image, '--', '/usr/bin/bash', '-c', 'echo changed > /etc/motd && cat /etc/motd']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^changed$/m);
    assert.doesNotMatch(await fs.readFile(path.join(image, 'etc/motd'), 'utf8'), /changed/);
  });

  it('removes the extracted tree when the terminal hangs up (SIGHUP)', async () => {
    const before = await shellDirs();
    const running = startMakeimg(['shell', path.join(base, 'tiny.tar.gz'), '--', '/usr/bin/bash', '-c', 'echo ready; read -t 60 line']);
    await new Promise<void>((resolve) => running.child.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve()));
    assert.equal((await shellDirs()).length, before.length + 1);
    running.child.kill('SIGHUP');
    const r = await running.done;
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(await shellDirs(), before);
  });

  it('stops and removes the extracted tree when its --lease file disappears (the editor closed the terminal)', async () => {
    const before = await shellDirs();
    const leaseDir = await scratch.dir('lease');
    const lease = path.join(leaseDir, 'lease');
    await fs.writeFile(lease, '');
    const running = startMakeimg([
      'shell',
      `--lease=${lease}`,
      path.join(base, 'tiny.tar.gz'),
      '--',
      '/usr/bin/bash',
      '-c',
      'echo ready; read -t 60 line',
    ]);
    await new Promise<void>((resolve) => running.child.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve()));
    await fs.rm(lease);
    const r = await running.done;
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(await shellDirs(), before);
  });

  /**
   * An init that says what it is, then waits for the halt request systemd
   * takes (SIGRTMIN+3, what nspawn sends a booted container's PID 1 on
   * SIGTERM). Real systemd boots in debian-example.test.ts.
   */
  const INIT = [
    '#!/usr/bin/bash',
    'trap \'echo "init: halt requested"; exit 0\' RTMIN+3',
    'read -r first < /usr/lib/os-release',
    'echo "init: pid $$, $first"',
    'while :; do sleep 1 & wait $!; done',
    '',
  ].join('\n');

  it('--boot runs the image init as PID 1 and halts it on SIGTERM; the extracted tree is removed', async () => {
    // examples/tiny has no init: give a copy of it one (and sleep), archived as the archive stage would.
    const tree = await scratch.dir('boot-tree');
    await fs.cp(path.join(base, 'tinydir'), tree, { recursive: true, verbatimSymlinks: true });
    await fs.mkdir(path.join(tree, 'sbin'));
    await fs.writeFile(path.join(tree, 'sbin/init'), INIT, { mode: 0o755 });
    await fs.copyFile('/usr/bin/sleep', path.join(tree, 'usr/bin/sleep'));
    const image = path.join(base, 'tiny-init.tar.gz');
    execFileSync('tar', [
      '--create',
      '--gzip',
      '--format=posix',
      '--numeric-owner',
      '--xattrs',
      `--file=${image}`,
      `--directory=${tree}`,
      '.',
    ]);

    const before = await shellDirs();
    const running = startMakeimg(['shell', '--boot', image]);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      running.child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (/init: pid .*\n/.test(out)) resolve();
      });
      void running.done.then((r) => reject(new Error(`makeimg shell --boot ended first (${r.code}):\n${r.stdout}\n${r.stderr}`)));
    });
    assert.match(out, /^init: pid 1, NAME="makeimg tiny"\r?$/m, `the image init runs as the container PID 1: ${JSON.stringify(out)}`);
    assert.equal((await shellDirs()).length, before.length + 1, 'the archive is extracted while it runs');
    running.child.kill('SIGTERM');
    const r = await running.done;
    assert.match(r.stdout, /^init: halt requested$/m, `nspawn asked the init to halt:\n${r.stdout}\n${r.stderr}`);
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(await shellDirs(), before, 'the extracted tree is gone');
  });

  it('without --boot the command runs, not the image init', async () => {
    const r = await runMakeimg(['shell', path.join(base, 'tiny-init.tar.gz'), '--', '/usr/bin/bash', '-c', 'echo "pid $$"']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /init:/);
  });
});
