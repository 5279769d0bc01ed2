/**
 * Issue 10 item 2, as a second local user would try it (real CLI, real
 * systemd-nspawn): swap $img_dir for a link to /etc while root builds in a
 * shared img_dir_base. makeimg refuses an img_dir_base that others can
 * write (or that belongs to someone else), builds in a private $img_dir, and
 * a second user racing the swap in a loop changes nothing.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '../../../shared/events';
import { REPO, errorEvent, runMakeimg, startMakeimg } from '../support/run-makeimg';
import { processesMatching, Scratch, tinyProject } from '../support/projects';

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
    return scratch.reachableDir('shared');
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

  /** Processes (any) whose mount table holds the build's held directories (held-dirs.ts HOLD_ROOT). */
  function holdingProcesses(): string[] {
    const found: string[] = [];
    for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      try {
        if (readFileSync(`/proc/${pid}/mountinfo`, 'utf8').includes(' /run/makeimg-build')) found.push(pid);
      } catch {
        // gone meanwhile
      }
    }
    return found;
  }

  async function waitUntil(test: () => boolean, ms: number): Promise<boolean> {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (test()) return true;
    return test();
  }

  /** As the attacker: move `dir` away and put a link to `target` in its place; true when it worked. */
  function swap(dir: string, target: string, uid: number): boolean {
    const r = spawnSync('setpriv', [
      `--reuid=${uid}`,
      `--regid=${uid}`,
      '--clear-groups',
      'sh',
      '-c',
      'mv -T "$1" "$1.moved" && ln -s "$2" "$1"',
      'swap',
      dir,
      target,
    ]);
    return r.status === 0;
  }

  // The repro of issue 10 item 2 by the invoking user: with a postinstall stage (the copy writes into $img_dir after the
  // swap), and without one (the archive stage reads $img_dir right after it).
  for (const { what, append } of [
    { what: 'writes through it (the postinstall copy)', append: '' },
    { what: "archives the link's target", append: 'unset -f do_postinstall\npostinstall_files_src=()\npostinstall_files_dst=()' },
  ]) {
    it(`the invoking user, who owns img_dir_base, swaps $img_dir for a link during do_install: root never ${what}; no mount is left`, async () => {
      const uid = uidOf(ATTACKER);
      const parent = await sharedParent();
      // The attacker's own img_dir_base (allowed: it is the invoking user's), and a root-only directory to steal from.
      const base = path.join(parent, 'own');
      await fs.mkdir(base, { mode: 0o755 });
      await fs.chown(base, uid, uid);
      const victim = await scratch.dir('victim');
      await fs.chmod(victim, 0o700);
      await fs.writeFile(path.join(victim, 'shadow'), 'SECRET\n', { mode: 0o600 });
      const src = await tinyProject(
        scratch,
        'swap.tar',
        `eval "tiny_$(declare -f do_install)"\ndo_install() { tiny_do_install; touch "$img_dir/swap-now"; sleep 3; rm "$img_dir/swap-now"; }\n${append}`,
      );
      const run = startMakeimg(['--json', '--directory', src, base], {
        env: { SUDO_USER: ATTACKER, SUDO_UID: String(uid), PKEXEC_UID: undefined },
      });
      const imgDir = path.join(base, 'swap');
      // do_install has done its work and waits: the swap now (the test, root, sees the marker the attacker cannot).
      assert.ok(await waitUntil(() => existsSync(path.join(imgDir, 'swap-now')), 60_000), 'do_install never got to its marker');
      assert.ok(swap(imgDir, victim, uid), 'the invoking user could not rename $img_dir in their own img_dir_base');
      const r = await run.done;
      run.child.stdin.destroy();
      // The copies and the archive used the held directory, not the name.
      assert.deepEqual(await fs.readdir(victim), ['shadow'], 'root wrote through the link');
      const archive = path.join(base, 'swap.tar');
      const names = existsSync(archive) ? execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }) : '';
      assert.doesNotMatch(names, /shadow/, "root archived the link's target");

      assert.equal(r.code, EXIT.OK, r.stderr);
      assert.match(names, /\.\/usr\/bin\/bash/, 'the archive is the image that was built');
      assert.equal((await fs.lstat(imgDir)).isSymbolicLink(), true, 'the link the attacker made is left alone');
      assert.match(r.stdout, /working directory .*swap could not be removed \(.*moved away or replaced/);
      assert.deepEqual(holdingProcesses(), []);
    });
  }

  it('leaves no mount and no holder behind when makeimg is killed with SIGKILL during do_install', async () => {
    const parent = await sharedParent();
    const base = path.join(parent, 'killed');
    const src = await tinyProject(
      scratch,
      'killed.tar',
      `eval "tiny_$(declare -f do_install)"\ndo_install() { tiny_do_install; sleep 30; }`,
    );
    const run = startMakeimg(['--json', '--directory', src, base]);
    await run.waitFor((e) => e.type === 'stage' && e.stage === 'install' && e.state === 'start');
    assert.notDeepEqual(holdingProcesses(), [], 'the build holds its directories in a mount namespace while it runs');
    run.child.kill('SIGKILL');
    await run.done;
    assert.ok(await waitUntil(() => holdingProcesses().length === 0, 20_000), `still holding: ${holdingProcesses().join(' ')}`);
    assert.deepEqual(processesMatching(`unshare --mount --propagation private`), []);
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(base), 'nothing of the build is mounted on the host');
    // What was kept is an ordinary directory again: makeimg clean removes it.
    const clean = await runMakeimg(['clean', '--keep-image', '--directory', src, base]);
    assert.equal(clean.code, EXIT.OK, clean.stderr);
    assert.ok(!existsSync(path.join(base, 'killed')));
  });
});
