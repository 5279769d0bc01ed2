/**
 * A user a polkit rule lets use makeimg (org.makeimg.build) without being an
 * administrator chooses img_dir_base and img_name. Through pkexec
 * (PKEXEC_UID, which pkexec sets and nobody can inject), root creates,
 * replaces and removes only in directories that user owns: not a build into
 * /etc, not `--force` over a directory of root's, not `makeimg clean` of one.
 * Real CLI as root with PKEXEC_UID set, as the launcher runs it.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '../../../shared/events';
import { REPO, errorEvent, runMakeimg } from '../support/run-makeimg';
import { extract, project, Scratch, tinyProject } from '../support/projects';

const CALLER = 'makeimg-denied';

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }));
}

describe("security: through pkexec, root acts only in the caller's own directories (real systemd-nspawn)", function () {
  this.timeout(180_000);
  const scratch = Scratch.forRootSuite();
  let env: NodeJS.ProcessEnv;
  before(() => {
    execFileSync(path.join(REPO, 'scripts/test-users'), { stdio: 'ignore' });
    env = { PKEXEC_UID: String(uidOf(CALLER)), SUDO_USER: undefined, SUDO_UID: undefined };
  });

  /** A scratch directory the caller can reach (the scratch root is root-only). */
  async function reachable(name: string): Promise<string> {
    return scratch.reachableDir(name);
  }

  /** A directory of root's, like /etc: 0755, only root writes it. */
  const rootsDirectory = (): Promise<string> => reachable('roots');

  it("refuses to build into a directory of root's, or to create img_dir_base inside one, creating nothing", async () => {
    const roots = await rootsDirectory();
    const src = await project(scratch, 'img_name=x.tar\ndo_install() { mkdir -p "$img_dir/etc"; }\n');
    const r = await runMakeimg(['--json', '--directory', src, roots], { env });
    assert.equal(r.code, EXIT.INVALID, r.stderr);
    assert.match(errorEvent(r)!.message, /belongs to uid 0, not to you: through pkexec, makeimg builds only in a directory of your own/);
    const r2 = await runMakeimg(['--json', '--directory', src, path.join(roots, 'new', 'images')], { env });
    assert.equal(r2.code, EXIT.INVALID, r2.stderr);
    assert.match(errorEvent(r2)!.message, /cannot create .*new\/images as you \(uid \d+\): EACCES/);
    assert.deepEqual(await fs.readdir(roots), []);
  });

  it("--force does not remove or replace a directory of root's named like the image", async () => {
    const roots = await rootsDirectory();
    // What img_name names there: the "kept working directory" of x.tar, and a directory image y.
    for (const d of ['x', 'y']) {
      await fs.mkdir(path.join(roots, d, 'keep'), { recursive: true });
    }
    for (const name of ['x.tar', 'y']) {
      const src = await project(scratch, `img_name=${name}\ndo_install() { mkdir -p "$img_dir/etc"; }\n`);
      const r = await runMakeimg(['--json', '--force', '--directory', src, roots], { env });
      assert.equal(r.code, EXIT.INVALID, r.stderr);
      assert.match(errorEvent(r)!.message, /not to you/);
    }
    assert.ok(existsSync(path.join(roots, 'x', 'keep')) && existsSync(path.join(roots, 'y', 'keep')));
  });

  it("makeimg clean does not remove a directory of root's named like the image", async () => {
    const roots = await rootsDirectory();
    await fs.mkdir(path.join(roots, 'victim', 'keep'), { recursive: true });
    const src = await project(scratch, 'img_name=victim\ndo_install() { :; }\n');
    const r = await runMakeimg(['clean', '--directory', src, roots], { env });
    assert.equal(r.code, EXIT.INVALID, r.stdout + r.stderr);
    assert.match(r.stderr, /belongs to uid 0, not to you/);
    assert.ok(existsSync(path.join(roots, 'victim', 'keep')));
  });

  it("builds, rebuilds with --force and cleans in a directory of the caller's own", async () => {
    const uid = uidOf(CALLER);
    const parent = await reachable('callers');
    await fs.chown(parent, uid, uid);
    const base = path.join(parent, 'images');
    const src = await project(scratch, 'img_name=x.tar\ndo_install() { mkdir -p "$img_dir/etc"; }\n');
    const r = await runMakeimg(['--json', '--directory', src, base], { env });
    assert.equal(r.code, EXIT.OK, r.stderr);
    assert.equal((await fs.stat(base)).uid, uid, 'img_dir_base was created as the caller');
    assert.equal((await fs.stat(path.join(base, 'x.tar'))).uid, uid);
    const again = await runMakeimg(['--json', '--force', '--directory', src, base], { env });
    assert.equal(again.code, EXIT.OK, again.stderr);
    const clean = await runMakeimg(['clean', '--directory', src, base], { env });
    assert.equal(clean.code, EXIT.OK, clean.stderr);
    assert.deepEqual(await fs.readdir(base), []);
  });

  describe('makeimg shell through pkexec', () => {
    let roots: string;
    let own: string;
    before(async () => {
      // The tiny image plus the host's mknod (its libraries are in the image), as root's and as the caller's.
      roots = await rootsDirectory();
      const built = await runMakeimg(['--directory', await tinyProject(scratch, 'tiny.tar.gz'), roots]);
      assert.equal(built.code, EXIT.OK, built.stderr);
      const tree = path.join(roots, 'tree');
      await fs.mkdir(tree);
      extract(path.join(roots, 'tiny.tar.gz'), tree);
      await fs.copyFile('/usr/bin/mknod', path.join(tree, 'usr/bin/mknod'));
      await fs.chmod(path.join(tree, 'usr/bin/mknod'), 0o755);
      own = path.join(await reachable('callers-shell'), 'own.tar');
      execFileSync('tar', ['--create', '--numeric-owner', `--file=${own}`, `--directory=${tree}`, '.']);
      execFileSync('cp', ['-a', tree, path.join(roots, 'dir-image')]);
      const uid = uidOf(CALLER);
      await fs.chown(own, uid, uid);
    });

    it("refuses an image of root's (archive or directory) and --boot", async () => {
      for (const image of [path.join(roots, 'tiny.tar.gz'), path.join(roots, 'dir-image')]) {
        const r = await runMakeimg(['shell', image, '--', '/usr/bin/bash', '-c', 'echo inside'], { env });
        assert.equal(r.code, EXIT.INVALID, r.stdout + r.stderr);
        assert.match(r.stderr, /belongs to uid 0, not to you: through pkexec, makeimg shell opens only your own images/);
        assert.doesNotMatch(r.stdout, /inside/);
      }
      const boot = await runMakeimg(['shell', '--boot', own], { env });
      assert.equal(boot.code, EXIT.INVALID, boot.stderr);
      assert.match(boot.stderr, /--boot runs the image's init with CAP_SYS_ADMIN: run it as root/);
    });

    it('opens their own image without CAP_SYS_ADMIN and without block devices (the hooks confinement)', async () => {
      const [major, minor] = execFileSync('findmnt', ['--noheadings', '--output', 'MAJ:MIN', '/'], { encoding: 'utf8' }).trim().split(':');
      const script = [
        'while read -r k v; do [ "$k" = CapEff: ] && echo "caps $v"; done < /proc/self/status',
        '/usr/bin/mknod /null-here c 1 3 && echo "char ok"',
        `/usr/bin/mknod /hostdisk b ${major} ${minor} && echo "block made"`,
        'true',
      ].join('\n');
      const r = await runMakeimg(['shell', own, '--', '/usr/bin/bash', '-c', script], { env });
      assert.equal(r.code, EXIT.OK, r.stdout + r.stderr);
      const caps = /caps ([0-9a-f]+)/.exec(r.stdout)?.[1];
      assert.ok(caps, r.stdout + r.stderr);
      const CAP_SYS_ADMIN = 21n;
      assert.equal((BigInt(`0x${caps}`) >> CAP_SYS_ADMIN) & 1n, 0n, `CapEff ${caps} has no CAP_SYS_ADMIN`);
      assert.match(r.stdout, /char ok/, 'mknod itself works (a /dev character device the policy allows)');
      assert.doesNotMatch(r.stdout, /block made/, 'the host disk cannot be created as a node');
    });
  });
});
