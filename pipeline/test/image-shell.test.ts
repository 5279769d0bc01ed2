/**
 * `makeimg shell`: a command inside a built image (examples/tiny), in
 * systemd-nspawn; an archive is extracted to a temporary directory that is
 * gone afterwards (also when the terminal hangs up), and a directory image
 * is never written to.
 */
import * as assert from 'node:assert/strict';
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
});
