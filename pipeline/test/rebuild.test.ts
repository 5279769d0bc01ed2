/**
 * The second build (issue 12 §1, issue 11 items 5-7): --force replaces an
 * image atomically (a failing forced build keeps the old one), makeimg clean
 * removes only this image's paths, outputs belong to the invoking user, and
 * names and img_dir_base that cannot work are refused at resolve, in words.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, promises as fs, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '../../shared/events';
import { project, Scratch, tinyProject } from './support/projects';
import { errorEvent, resultEvent, runMakeimg } from './support/run-makeimg';

const FAIL = 'do_install() { mkdir -p "$img_dir/etc"; false; }';
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const uidOf = (user: string) => Number(execFileSync('id', ['-u', user]).toString().trim());

describe('makeimg rebuild, clean, owners (real systemd-nspawn)', function () {
  this.timeout(240_000);
  const scratch = Scratch.forRootSuite();

  /** Make the project's do_install fail (or work again). */
  async function setFailing(src: string, failing: boolean): Promise<void> {
    const file = path.join(src, 'image.sh');
    const text = await fs.readFile(file, 'utf8');
    const without = text.replace(`\n${FAIL}\n`, '');
    await fs.writeFile(file, failing ? `${without}\n${FAIL}\n` : without);
  }

  it('--force: refused without it (saying how), the old image survives a failing forced build, then is replaced', async () => {
    const src = await tinyProject(scratch, 'tiny.tar');
    const base = await scratch.dir('out');
    const imgPath = path.join(base, 'tiny.tar');
    assert.equal((await runMakeimg(['--json', '-C', src, base])).code, EXIT.OK);
    const first = sha(imgPath);

    const again = await runMakeimg(['--json', '-C', src, base]);
    assert.equal(again.code, EXIT.INVALID);
    assert.equal(errorEvent(again)!.message, `the image ${imgPath} already exists; rebuild with --force (or in VS Code: Rebuild Image)`);

    await setFailing(src, true);
    const failed = await runMakeimg(['build', '--force', '--json', '-C', src, base]);
    assert.equal(failed.code, EXIT.BUILD_FAILED, failed.stderr);
    assert.equal(sha(imgPath), first, 'the old image is untouched');
    assert.deepEqual(resultEvent(failed)!.kept, [path.join(base, 'tiny')]);

    const refused = await runMakeimg(['--json', '-C', src, base]);
    assert.match(errorEvent(refused)!.message, /already exists; rebuild with --force/);

    await setFailing(src, false);
    await fs.appendFile(path.join(src, 'files/motd'), 'second build\n');
    const forced = await runMakeimg(['-f', '--json', '-C', src, base]);
    assert.equal(forced.code, EXIT.OK, forced.stderr + forced.stdout);
    assert.notEqual(sha(imgPath), first, 'replaced by the new image');
    assert.ok(forced.events.some((e) => e.type === 'log' && /removing the kept working directory/.test(e.text)));
    assert.deepEqual((await fs.readdir(base)).sort(), ['tiny.tar'], 'no working directory, no temporary file');
  });

  it('--force on a directory image builds beside it and swaps at the end', async () => {
    const src = await tinyProject(scratch, 'tinydir');
    const base = await scratch.dir('out');
    const imgPath = path.join(base, 'tinydir');
    assert.equal((await runMakeimg(['--json', '-C', src, base])).code, EXIT.OK);
    const inode = statSync(path.join(imgPath, 'etc/motd')).ino;
    await setFailing(src, true);
    const failed = await runMakeimg(['--force', '--json', '-C', src, base]);
    assert.equal(failed.code, EXIT.BUILD_FAILED);
    assert.equal(statSync(path.join(imgPath, 'etc/motd')).ino, inode, 'old image intact');
    assert.deepEqual(resultEvent(failed)!.kept, [`${imgPath}.makeimg-new`]);
    await setFailing(src, false);
    const forced = await runMakeimg(['--force', '--json', '-C', src, base]);
    assert.equal(forced.code, EXIT.OK, forced.stderr);
    assert.notEqual(statSync(path.join(imgPath, 'etc/motd')).ino, inode, 'the new tree is in place');
    assert.ok(existsSync(path.join(imgPath, 'usr/bin/bash')));
    assert.deepEqual(await fs.readdir(base), ['tinydir']);
  });

  it('clean removes only this image and its kept working directory; --dry-run lists them; --keep-image keeps the image', async () => {
    const src = await tinyProject(scratch, 'tiny.tar');
    const base = await scratch.dir('out');
    assert.equal((await runMakeimg(['--json', '-C', src, base])).code, EXIT.OK);
    await fs.mkdir(path.join(base, 'tiny'));
    await fs.writeFile(path.join(base, 'tiny', 'root-file'), '');
    await fs.writeFile(path.join(base, 'other.tar'), 'not ours');
    await fs.mkdir(path.join(base, 'tinyx'));

    const dry = await runMakeimg(['clean', '--dry-run', '-C', src, base]);
    assert.equal(dry.code, EXIT.OK, dry.stderr);
    assert.equal(dry.stdout, `would remove ${path.join(base, 'tiny.tar')}\nwould remove ${path.join(base, 'tiny')}\n`);
    assert.equal((await fs.readdir(base)).length, 4, 'a dry run removes nothing');

    const keep = await runMakeimg(['clean', '--keep-image', '-C', src, base]);
    assert.equal(keep.stdout, `removed ${path.join(base, 'tiny')}\n`);
    const all = await runMakeimg(['clean', '-C', src, base]);
    assert.equal(all.stdout, `removed ${path.join(base, 'tiny.tar')}\n`);
    assert.deepEqual((await fs.readdir(base)).sort(), ['other.tar', 'tinyx']);
    assert.equal((await runMakeimg(['clean', '-C', src, base])).stdout, `nothing to remove in ${base}\n`);
  });

  it("hands img_dir_base (when created) and the image to the invoking user; the tree keeps numeric owners; a kept working directory stays root's", async () => {
    const uid = uidOf('makeimg-test');
    const src = await tinyProject(scratch, 'tiny.tar');
    const base = path.join(await scratch.dir('out'), 'new', 'images');
    const r = await runMakeimg(['--json', '-C', src, base], { env: { SUDO_USER: 'makeimg-test', SUDO_UID: String(uid) } });
    assert.equal(r.code, EXIT.OK, r.stderr);
    assert.equal(statSync(base).uid, uid);
    assert.equal(statSync(path.dirname(base)).uid, uid, 'every directory makeimg created');
    assert.equal(statSync(path.dirname(path.dirname(base))).uid, 0, 'an existing parent is left alone');
    assert.equal(statSync(path.join(base, 'tiny.tar')).uid, uid);
    const listing = execFileSync('tar', ['-tvf', path.join(base, 'tiny.tar'), '--numeric-owner', './etc/motd']).toString();
    assert.match(listing, / 0\/0 /, 'inside the image: root');

    const dir = await tinyProject(scratch, 'tinydir');
    const r2 = await runMakeimg(['--json', '-C', dir, base], { env: { PKEXEC_UID: String(uid) } });
    assert.equal(r2.code, EXIT.OK, r2.stderr);
    assert.equal(statSync(path.join(base, 'tinydir')).uid, uid, "a directory image's top directory");
    assert.equal(statSync(path.join(base, 'tinydir/etc')).uid, 0, 'its tree keeps its owners');

    const failing = await project(scratch, `img_name=f.tar\n${FAIL}\n`);
    const r3 = await runMakeimg(['--json', '-C', failing, base], { env: { SUDO_USER: 'makeimg-test', SUDO_UID: String(uid) } });
    assert.equal(r3.code, EXIT.BUILD_FAILED);
    assert.equal(statSync(path.join(base, 'f')).uid, 0);
  });

  it('a cleanup failure after publishing is a warning with exit 0 (issue 11 item 5)', async () => {
    // do_install waits after creating the file, so that the test can make it immutable before the archive stage.
    const src = await project(
      scratch,
      'img_name=tiny.tar\ndo_install() { mkdir -p "$img_dir/etc"; touch "$img_dir/etc/stuck"; sleep 3; }\n',
    );
    const base = await scratch.dir('out');
    const run = runMakeimg(['--json', '-C', src, base]);
    const stuck = path.join(base, 'tiny', 'etc', 'stuck');
    for (let i = 0; i < 600 && !existsSync(stuck); i++) await new Promise((r) => setTimeout(r, 50));
    execFileSync('chattr', ['+i', stuck]);
    try {
      const r = await run;
      assert.equal(r.code, EXIT.OK, r.stderr);
      assert.equal(resultEvent(r)!.ok, true);
      assert.ok(existsSync(path.join(base, 'tiny.tar')));
      assert.ok(
        r.events.some((e) => e.type === 'log' && /the image is complete, but its working directory .* could not be removed/.test(e.text)),
      );
    } finally {
      execFileSync('chattr', ['-i', stuck]);
    }
  });

  it('refuses at resolve, in words, with exit 2: too long names, img_dir_base a file or dangling link, ..tar, src=., subdirectory through a link', async () => {
    const base = await scratch.dir('out');
    const long = `${'x'.repeat(250)}.tar.gz`;
    const r1 = await runMakeimg(['--json', '-C', await tinyProject(scratch, long), base]);
    assert.equal(r1.code, EXIT.INVALID);
    assert.match(
      errorEvent(r1)!.message,
      /img_name is too long: the name of the image would be 257 bytes, and file names have at most 255/,
    );

    const src = await tinyProject(scratch, 'tiny.tar');
    const file = path.join(base, 'a-file');
    await fs.writeFile(file, '');
    const r2 = await runMakeimg(['--json', '-C', src, file]);
    assert.equal(r2.code, EXIT.INVALID);
    assert.equal(errorEvent(r2)!.message, `img_dir_base ${file} is a file, not a directory`);
    const link = path.join(base, 'dangling');
    await fs.symlink('/nonexistent/x', link);
    const r3 = await runMakeimg(['--json', '-C', src, link]);
    assert.equal(r3.code, EXIT.INVALID);
    assert.equal(errorEvent(r3)!.message, `img_dir_base ${link} is a symbolic link to /nonexistent/x, which does not exist`);

    const dots = await runMakeimg(['--json', '-C', await tinyProject(scratch, '..tar'), base]);
    assert.equal(dots.code, EXIT.INVALID);
    assert.match(errorEvent(dots)!.message, /img_name "\.\.tar" leaves no name for the working directory/);

    const dot = await runMakeimg([
      '--json',
      '-C',
      await tinyProject(scratch, 'x.tar', 'postinstall_files_src=(.)\npostinstall_files_dst=(x)'),
      base,
    ]);
    assert.equal(dot.code, EXIT.INVALID);
    assert.match(errorEvent(dot)!.message, /source "\." is the project directory itself/);

    await fs.symlink('/tmp', path.join(base, 'sub'));
    const sub = await runMakeimg(['--json', '-C', await tinyProject(scratch, 'sub/x.tar'), base]);
    assert.equal(sub.code, EXIT.INVALID);
    assert.match(errorEvent(sub)!.message, /sub is a symbolic link; makeimg writes images only inside img_dir_base/);
    assert.equal(lstatSync(path.join(base, 'sub')).isSymbolicLink(), true);
  });

  it('refuses an img_name that is not valid UTF-8 at resolve, in words, and writes nothing (issue 11 item 7)', async () => {
    const base = await scratch.dir('out');
    const src = await project(scratch, 'do_install() { mkdir -p "$img_dir/etc"; }\n');
    // The bytes "bad\xff.tar": bash hands them over as they are; decoded they would become "bad\ufffd.tar".
    await fs.writeFile(
      path.join(src, 'image.sh'),
      Buffer.concat([
        Buffer.from('img_name=bad'),
        Buffer.from([0xff]),
        Buffer.from('.tar\n'),
        await fs.readFile(path.join(src, 'image.sh')),
      ]),
    );
    const r = await runMakeimg(['--json', '-C', src, base]);
    assert.equal(r.code, EXIT.INVALID, r.stdout.slice(-2000));
    assert.match(errorEvent(r)!.message, /img_name is not valid UTF-8 text: .*; use a UTF-8 \(or ASCII\) name/);
    assert.deepEqual(await fs.readdir(base), []);
  });

  it('img_name with directories builds inside img_dir_base, as the original did', async () => {
    const base = await scratch.dir('out');
    const r = await runMakeimg(['--json', '-C', await tinyProject(scratch, 'nested/deeper/t.tar'), base], {
      env: { SUDO_USER: 'makeimg-test', SUDO_UID: String(uidOf('makeimg-test')) },
    });
    assert.equal(r.code, EXIT.OK, r.stderr);
    assert.ok(statSync(path.join(base, 'nested/deeper/t.tar')).isFile());
    assert.equal(statSync(path.join(base, 'nested')).uid, uidOf('makeimg-test'));
    const bad = await runMakeimg(['--json', '-C', await tinyProject(scratch, '../t.tar'), base]);
    assert.equal(bad.code, EXIT.INVALID);
    assert.match(errorEvent(bad)!.message, /without "", "\." or "\.\." components/);
  });

  it('unknown verbs: one line with a suggestion, exit 2, nothing built', async () => {
    const src = await tinyProject(scratch, 'tiny.tar');
    const r = await runMakeimg(['chekc'], { cwd: src });
    assert.equal(r.code, EXIT.INVALID);
    assert.equal(
      r.stderr,
      "makeimg: 'chekc' is not a makeimg command; did you mean 'check'? (to build into a new directory of that name, write ./chekc; see makeimg --help)\n",
    );
    assert.equal(existsSync(path.join(src, 'chekc')), false);
    assert.equal(existsSync(path.join(src, 'img')), false);
  });
});
