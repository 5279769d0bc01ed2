/**
 * Issue 10 item 2, as a second local user would try it (real CLI, real
 * systemd-nspawn): swap $img_dir for a link to /etc while root builds in a
 * shared img_dir_base. makeimg refuses an img_dir_base that others can
 * write (or that belongs to someone else), builds in a private $img_dir, and
 * a second user racing the swap in a loop changes nothing.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '../../../shared/events';
import { REPO, errorEvent, runMakeimg } from '../support/run-makeimg';
import { Scratch, tinyProject } from '../support/projects';

const ATTACKER = 'makeimg-denied';

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }));
}

describe('security: a shared img_dir_base cannot redirect the build (real systemd-nspawn)', function () {
  this.timeout(180_000);
  const scratch = Scratch.forRootSuite();
  before(() => {
    execFileSync(path.join(REPO, 'scripts/test-users'), { stdio: 'ignore' });
  });

  /** A directory the attacker can reach (the scratch root is root-only). */
  async function sharedParent(): Promise<string> {
    const dir = await scratch.dir('shared');
    for (let d = dir; d !== '/' && d !== path.dirname(REPO); d = path.dirname(d)) await fs.chmod(d, 0o755).catch(() => {});
    return dir;
  }

  it('refuses an img_dir_base others can write (not sticky) or that belongs to another user, creating nothing', async () => {
    const parent = await sharedParent();
    const worldWritable = path.join(parent, 'images');
    await fs.mkdir(worldWritable, { mode: 0o777 });
    await fs.chmod(worldWritable, 0o777);
    const src = await tinyProject(scratch, 'shared.tar');
    const r = await runMakeimg(['--json', '--directory', src, worldWritable]);
    assert.equal(r.code, EXIT.INVALID, r.stderr);
    assert.match(errorEvent(r)!.message, /writable by other users \(mode 0777\) and not sticky/);
    assert.deepEqual(await fs.readdir(worldWritable), []);

    const theirs = path.join(parent, 'theirs');
    await fs.mkdir(theirs, { mode: 0o755 });
    await fs.chown(theirs, uidOf(ATTACKER), uidOf(ATTACKER));
    const r2 = await runMakeimg(['--json', '--directory', src, theirs]);
    assert.equal(r2.code, EXIT.INVALID, r2.stderr);
    assert.match(errorEvent(r2)!.message, /belongs to uid \d+, neither root nor you/);
    assert.deepEqual(await fs.readdir(theirs), []);
  });

  it('a second user racing the swap of $img_dir for a link to /etc in a loop changes nothing; $img_dir is private while building', async () => {
    const parent = await sharedParent();
    const base = path.join(parent, 'sticky');
    await fs.mkdir(base);
    await fs.chmod(base, 0o1777); // like /tmp: allowed
    const src = await tinyProject(
      scratch,
      'race.tar',
      `
eval "tiny_$(declare -f do_install)"
do_install() {
  tiny_do_install
  stat -c %a "$img_dir" > "$img_dir/etc/mode-while-building"
  sleep 3
}
`,
    );
    const imgDir = path.join(base, 'race');
    const uid = uidOf(ATTACKER);
    // The attacker: as fast as it can, move $img_dir away and put a link to /etc in its place.
    const attacker = spawn(
      'setpriv',
      [
        `--reuid=${uid}`,
        `--regid=${uid}`,
        '--clear-groups',
        'bash',
        '-c',
        `
      while :; do
        mv -T "${imgDir}" "${base}/moved" 2>/dev/null && ln -sfn /etc "${imgDir}" && echo SWAPPED
        ln -sn /etc "${imgDir}" 2>/dev/null && echo LINKED
      done`,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let attackerOut = '';
    attacker.stdout.on('data', (d: Buffer) => (attackerOut += d));
    let r;
    try {
      r = await runMakeimg(['--json', '--directory', src, base]);
    } finally {
      attacker.kill('SIGKILL');
    }
    // Before the build created it, the attacker may have planted the link: then makeimg must refuse, not follow.
    if (r.code !== EXIT.OK) {
      assert.equal(r.code, EXIT.INVALID, r.stderr);
      assert.match(errorEvent(r)!.message, /already exists|was kept/);
    } else {
      assert.doesNotMatch(attackerOut, /SWAPPED/, "the attacker moved root's $img_dir");
      const names = execFileSync('tar', ['-tf', path.join(base, 'race.tar')], { encoding: 'utf8' });
      assert.doesNotMatch(names, /shadow|passwd-/, 'the archive holds host files');
      const mode = execFileSync('tar', ['-xOf', path.join(base, 'race.tar'), './etc/mode-while-building'], { encoding: 'utf8' }).trim();
      assert.equal(mode, '700');
      const root = execFileSync('tar', ['-tvf', path.join(base, 'race.tar'), './'], { encoding: 'utf8' });
      assert.match(root, /^drwxr-xr-x /, 'the image root is 0755 in the archive');
    }
    assert.ok(!existsSync('/etc/mode-while-building') && !existsSync('/etc/motd-race'));
  });
});
