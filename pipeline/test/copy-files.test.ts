/** The stage copies on a real file system: what lands where, and what is refused. */
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyFiles, CopyRefusedError, resolveDestination, resolveSource } from '../src/stages/copy-files';

describe('makeimg stage copies', () => {
  let root: string;
  let src: string;
  let img: string;
  let outside: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-copy-'));
    src = path.join(root, 'src');
    img = path.join(root, 'img');
    outside = path.join(root, 'outside');
    for (const d of [src, img, outside, path.join(src, 'conf.d/sub')]) await fs.mkdir(d, { recursive: true });
    await fs.writeFile(path.join(src, 'script'), '#!/bin/sh\n', { mode: 0o750 });
    await fs.writeFile(path.join(src, 'conf.d/sub/a.conf'), 'a');
    await fs.symlink('sub/a.conf', path.join(src, 'conf.d/link'));
    await fs.writeFile(path.join(outside, 'secret'), 's');
  });
  afterEach(async () => fs.rm(root, { recursive: true, force: true }));

  it('copies files and directories, creating parents and keeping modes and links', async () => {
    await copyFiles(src, img, [
      { src: 'script', dst: 'usr/local/bin/script' },
      { src: 'conf.d', dst: '/etc/conf.d' },
    ]);
    assert.equal(statSync(path.join(img, 'usr/local/bin/script')).mode & 0o7777, 0o750);
    assert.equal(await fs.readFile(path.join(img, 'etc/conf.d/sub/a.conf'), 'utf8'), 'a');
    assert.equal(await fs.readlink(path.join(img, 'etc/conf.d/link')), 'sub/a.conf');
  });

  it('follows relative links inside the image (merged /usr)', async () => {
    await fs.mkdir(path.join(img, 'usr/lib'), { recursive: true });
    await fs.symlink('usr/lib', path.join(img, 'lib'));
    await copyFiles(src, img, [{ src: 'script', dst: 'lib/x/script' }]);
    assert.ok(existsSync(path.join(img, 'usr/lib/x/script')));
  });

  it('refuses destinations that land outside the image, copying nothing', async () => {
    await fs.symlink(outside, path.join(img, 'abs'));
    await fs.symlink('../outside', path.join(img, 'rel'));
    await fs.mkdir(path.join(img, 'etc'));
    for (const dst of ['../outside/x', 'etc/../../x', 'abs/x', 'rel/x', 'abs', '.', '/']) {
      await assert.rejects(
        copyFiles(src, img, [
          { src: 'script', dst: 'ok' },
          { src: 'script', dst },
        ]),
        CopyRefusedError,
        dst,
      );
    }
    assert.deepEqual(await fs.readdir(outside), ['secret']);
    assert.equal(existsSync(path.join(img, 'ok')), false, 'checked before copying');
  });

  it('refuses sources outside $src_dir, through .. or a symlink, and missing ones', async () => {
    await fs.symlink(path.join(outside, 'secret'), path.join(src, 'leak'));
    await assert.rejects(resolveSource(src, '../outside/secret'), /outside/);
    await assert.rejects(resolveSource(src, 'leak'), /outside/);
    // Issue 11 item 7: "." is not "outside"; the message says what is wrong.
    await assert.rejects(resolveSource(src, '.'), /the project directory itself/);
    await assert.rejects(resolveSource(src, 'missing'), /does not exist/);
    assert.equal(await resolveSource(src, 'conf.d/link'), path.join(await fs.realpath(src), 'conf.d/sub/a.conf'));
  });

  it('resolves a destination in an image that does not exist yet (resolve stage)', async () => {
    assert.equal(await resolveDestination(path.join(root, 'future'), 'etc/x'), path.join(root, 'future/etc/x'));
    await assert.rejects(resolveDestination(path.join(root, 'future'), 'etc/../../x'), /outside/);
  });
});
