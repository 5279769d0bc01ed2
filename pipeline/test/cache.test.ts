/**
 * The install cache with real systemd-nspawn builds: what hits, what
 * misses, that a cached rebuild writes the same image, that a restored
 * tree is the one do_install made (fidelity), and the faults: SIGTERM while
 * saving, two builds of one key at once, a full cache file system, a
 * failing do_install.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { BuildEvent, StageEvent } from '../../shared/events';
import { EXIT } from '../../shared/events';
import { extract, project, Scratch, tinyProject } from './support/projects';
import { resultEvent, runMakeimg, startMakeimg, type MakeimgResult } from './support/run-makeimg';
import { differences, treeListing } from './support/tree-listing';
import { CacheStore } from '../src/cache/store';

const EPOCH = '1700000000';

function installStart(r: MakeimgResult): StageEvent {
  const e = r.events.find((x): x is StageEvent => x.type === 'stage' && x.stage === 'install' && x.state === 'start');
  assert.ok(e, `no install stage event; stderr: ${r.stderr}`);
  return e;
}

function logs(r: MakeimgResult): string[] {
  return r.events.filter((e): e is Extract<BuildEvent, { type: 'log' }> => e.type === 'log').map((e) => e.text);
}

async function edit(file: string, from: string | RegExp, to: string): Promise<void> {
  const text = await fs.readFile(file, 'utf8');
  const changed = text.replace(from, to);
  assert.notEqual(changed, text, `nothing to replace in ${file}: ${String(from)}`);
  await fs.writeFile(file, changed);
}

/** Pids of the cp processes writing into `dir`. */
async function copiesInto(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const argv = await fs.readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (argv.startsWith('cp\0') && argv.includes(`\0${dir}/`)) pids.push(Number(name));
  }
  return pids;
}

async function entries(cacheDir: string): Promise<string[]> {
  return fs.readdir(path.join(cacheDir, 'entries')).catch(() => []);
}

describe('makeimg install cache (real systemd-nspawn)', function () {
  // Each build is a few seconds alone, up to a minute on a loaded 2-core machine.
  this.timeout(300_000);
  const scratch = Scratch.forRootSuite();

  /** Build `src` into a fresh img_dir_base with the suite's cache; returns the result and the base. */
  async function buildWith(src: string, cacheDir: string, extra: string[] = []): Promise<{ r: MakeimgResult; base: string }> {
    const base = await scratch.dir('out');
    const r = await runMakeimg(['--json', '--directory', src, '--cache-dir', cacheDir, ...extra, base], {
      env: { SOURCE_DATE_EPOCH: EPOCH },
    });
    assert.equal(r.code, EXIT.OK, r.stderr);
    return { r, base };
  }

  describe('what hits and what misses (examples/tiny)', () => {
    let src: string;
    let cacheDir: string;
    let first: { r: MakeimgResult; base: string };

    before(async () => {
      src = await tinyProject(scratch, 'tiny.tar.zst');
      cacheDir = path.join(await scratch.dir('cache'), 'c');
      first = await buildWith(src, cacheDir);
    });

    it('runs do_install the first time and says so (cached: false, with the key)', () => {
      const e = installStart(first.r);
      assert.equal(e.cached, false);
      assert.match(e.cacheKey ?? '', /^[0-9a-f]{32}$/);
      assert.ok(
        logs(first.r).some((l) => /^saved the install to the cache/.test(l)),
        logs(first.r).join('\n'),
      );
    });

    it('restores it when nothing changed: cached: true with key, age and size; the archive is byte-identical', async () => {
      const { r, base } = await buildWith(src, cacheDir);
      const e = installStart(r);
      assert.equal(e.cached, true);
      assert.equal(e.cacheKey, installStart(first.r).cacheKey);
      assert.ok(e.cacheAgeMs! >= 0 && e.cacheBytes! > 1_000_000, JSON.stringify(e));
      assert.ok(r.events.some((x) => x.type === 'stage' && x.stage === 'preinstall' && x.state === 'skip'));
      const [a, b] = await Promise.all([fs.readFile(path.join(first.base, 'tiny.tar.zst')), fs.readFile(path.join(base, 'tiny.tar.zst'))]);
      assert.ok(a.equals(b), 'the cached rebuild wrote a different archive');
    });

    it('says so in the human heading', async () => {
      const base = await scratch.dir('out');
      const r = await runMakeimg(['--directory', src, '--cache-dir', cacheDir, base], { env: { SOURCE_DATE_EPOCH: EPOCH } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /==> \[3\/5\] Install \(cached, built \d+ (s|min) ago, [\d.]+ MiB; --no-cache to rebuild\)/);
    });

    it('restores it after an edit of do_postinstall only; the archive differs only by that edit', async () => {
      await edit(path.join(src, 'image.sh'), 'echo "tiny" > /etc/hostname', 'echo "tiny-edited" > /etc/hostname');
      const { r, base } = await buildWith(src, cacheDir);
      assert.equal(installStart(r).cached, true);
      const [x, y] = [await scratch.dir('x'), await scratch.dir('y')];
      extract(path.join(first.base, 'tiny.tar.zst'), x);
      extract(path.join(base, 'tiny.tar.zst'), y);
      assert.deepEqual(differences(await treeListing(x), await treeListing(y)), ['etc/hostname']);
      assert.equal(await fs.readFile(path.join(y, 'etc/hostname'), 'utf8'), 'tiny-edited\n');
    });

    it('restores it after an edit of a function only do_postinstall calls', async () => {
      await edit(
        path.join(src, 'image.sh'),
        `printf '%s:x:%s:%s::/home/%s:/bin/bash\\n'`,
        `printf '%s:x:%s:%s:edited:/home/%s:/bin/bash\\n'`,
      );
      const { r } = await buildWith(src, cacheDir);
      assert.equal(installStart(r).cached, true);
    });

    const misses: [string, () => Promise<void>][] = [
      [
        'a helper do_install calls',
        () => edit(path.join(src, 'image.sh'), 'install -D -m 0755 "$library"', 'install -D -m 0555 "$library"'),
      ],
      ['a preinstall file', () => fs.appendFile(path.join(src, 'files/motd'), 'one more line\n')],
      ['a top-level variable', () => edit(path.join(src, 'image.sh'), /^image_uid=1000$/m, 'image_uid=1001')],
      ['do_install itself', () => edit(path.join(src, 'image.sh'), 'chmod 1777', 'chmod 01777')],
    ];
    for (const [what, change] of misses) {
      it(`runs do_install again after an edit of ${what}`, async () => {
        await change();
        const { r } = await buildWith(src, cacheDir);
        assert.equal(installStart(r).cached, false);
      });
    }

    it('--no-cache runs do_install and refreshes the entry; --cache-max-age treats old entries as stale', async () => {
      const refreshed = await buildWith(src, cacheDir, ['--no-cache']);
      assert.equal(installStart(refreshed.r).cached, false);
      assert.ok(logs(refreshed.r).some((l) => l.startsWith('--no-cache:')));
      await new Promise((r) => setTimeout(r, 1100));
      const stale = await buildWith(src, cacheDir, ['--cache-max-age', '1s']);
      assert.equal(installStart(stale.r).cached, false);
      assert.ok(
        logs(stale.r).some((l) => /older than --cache-max-age/.test(l)),
        logs(stale.r).join('\n'),
      );
      assert.equal(installStart((await buildWith(src, cacheDir, ['--cache-max-age', '1h'])).r).cached, true);
    });

    it('lists and cleans entries (makeimg cache list / clean)', async () => {
      const list = await runMakeimg(['cache', 'list', '--json', '--cache-dir', cacheDir]);
      assert.equal(list.code, 0, list.stderr);
      const listed = JSON.parse(list.stdout) as { entries: { key: string; imageFile: string; bytes: number; lastUsed: number }[] };
      assert.ok(listed.entries.length >= 5, list.stdout);
      assert.ok(listed.entries.every((m) => m.imageFile === path.join(src, 'image.sh') && m.bytes > 0));
      const text = await runMakeimg(['cache', 'list', '--cache-dir', cacheDir]);
      assert.match(text.stdout, /KEY +SIZE +BUILT +LAST USED +IMAGE\.SH\n[0-9a-f]{12} /);

      const newest = [...listed.entries].sort((a, b) => b.lastUsed - a.lastUsed)[0]!;
      const keep = await runMakeimg(['cache', 'clean', '--keep-size', String(newest.bytes), '--cache-dir', cacheDir]);
      assert.equal(keep.code, 0, keep.stderr);
      assert.match(keep.stdout, new RegExp(`removed ${listed.entries.length - 1} entries`));
      assert.deepEqual(await entries(cacheDir), [newest.key]);
      const all = await runMakeimg(['cache', 'clean', '--all', '--cache-dir', cacheDir]);
      assert.match(all.stdout, /removed 1 entry/);
      assert.deepEqual(await entries(cacheDir), []);
      assert.equal((await runMakeimg(['cache', 'clean', '--cache-dir', cacheDir])).code, EXIT.INVALID);
    });
  });

  it('restores a tree bit for bit: capability, setuid, hard link, device, fifo, socket, sparse file, xattrs, ACL, owners, mtimes', async () => {
    const src = await project(
      scratch,
      `img_name=fidelity
do_install()
{
    cd "$img_dir"
    cp /usr/bin/true cap && setcap cap_net_raw+ep cap
    cp /usr/bin/true suid && chown 1000:1000 suid && chmod 4755 suid
    echo hello > file && ln file hardlink
    mknod null c 1 3 && mkfifo fifo
    python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("socket")'
    truncate -s 64M sparse && printf x | dd of=sparse bs=1 seek=32M conv=notrunc status=none
    setfattr -n user.origin -v makeimg file && setfacl -m u:1234:rx file
    mkdir -p dir/sub && touch -d 2001-02-03 dir/sub/old dir/sub
    chown -h 4321:4321 hardlink && chmod 0640 hardlink
}
`,
    );
    const cacheDir = path.join(await scratch.dir('cache'), 'c');
    // A directory image: no archive, $img_dir is what do_install left.
    const cold = await buildWith(src, cacheDir);
    assert.equal(installStart(cold.r).cached, false);
    const warm = await buildWith(src, cacheDir);
    assert.equal(installStart(warm.r).cached, true);
    const [key] = await entries(cacheDir);
    const original = await treeListing(path.join(cold.base, 'fidelity'));
    assert.ok(original.get('cap')!.includes('security.capability'), original.get('cap'));
    assert.match(original.get('suid')!, /mode=104755 owner=1000:1000/);
    assert.match(original.get('sparse')!, /blocks=(8|16) /);
    assert.match(original.get('file')!, /system.posix_acl_access.*user.origin/);
    assert.match(original.get('socket')!, /mode=14/);
    assert.deepEqual(differences(original, await treeListing(path.join(cacheDir, 'entries', key!, 'tree'))), []);
    assert.deepEqual(differences(original, await treeListing(path.join(warm.base, 'fidelity'))), []);
  });

  it('refuses a cache directory a user could swap (user-owned parent, symlink, open mode); the build goes on without it', async () => {
    const userDir = await scratch.dir('user');
    await fs.chown(userDir, 1000, 1000);
    await assert.rejects(CacheStore.open(path.join(userDir, 'cache')), /can be changed by a user other than root/);
    const real = path.join(await scratch.dir('real'), 'c');
    const link = path.join(await scratch.dir('link'), 'c');
    await fs.mkdir(real, { mode: 0o700 });
    await fs.symlink(real, link);
    await assert.rejects(CacheStore.open(link), /not a directory/);
    const open = path.join(await scratch.dir('open'), 'c');
    await fs.mkdir(open, { mode: 0o755 });
    await fs.chmod(open, 0o755);
    await assert.rejects(CacheStore.open(open), /mode 0700/);

    const src = await project(scratch, 'img_name=plain.tar\ndo_install() { mkdir "$img_dir/etc"; }\n');
    const { r } = await buildWith(src, path.join(userDir, 'cache'));
    assert.ok(
      logs(r).some((l) => /^warning: install cache unusable \(.*can be changed by a user other than root.*\); building without it/.test(l)),
      logs(r).join('\n'),
    );
    assert.equal(installStart(r).cached, undefined);
  });

  it('never caches a failing do_install', async () => {
    const src = await project(scratch, 'img_name=fails.tar\ndo_install() { mkdir "$img_dir/etc"; false; }\n');
    const cacheDir = path.join(await scratch.dir('cache'), 'c');
    const r = await runMakeimg(['--json', '--directory', src, '--cache-dir', cacheDir, await scratch.dir('out')]);
    assert.equal(r.code, EXIT.BUILD_FAILED);
    assert.deepEqual(await entries(cacheDir), []);
  });

  describe('faults', () => {
    /** do_install writes 200 MB of incompressible data, so saving takes a while. */
    const big = `img_name=big.tar
do_install() { head -c 200M /dev/urandom > "$img_dir/blob"; mkdir "$img_dir/many"; for i in $(seq 20000); do : > "$img_dir/many/$i"; done; }
`;

    it('SIGTERM while saving: exit 130, no entry, no temporary, the next build runs do_install', async () => {
      const src = await project(scratch, big);
      const cacheDir = path.join(await scratch.dir('cache'), 'c');
      const base = await scratch.dir('out');
      const run = startMakeimg(['--json', '--directory', src, '--cache-dir', cacheDir, base]);
      await run.waitFor((e) => e.type === 'log' && e.text === 'saving the install to the cache');
      // At once: on a quiet machine a copy of 200 MB alone could end within 100 ms.
      run.child.kill('SIGTERM');
      const r = await run.done;
      run.child.stdin.destroy();
      assert.equal(r.code, EXIT.CANCELLED, r.stderr);
      assert.ok(!r.events.some((e) => e.type === 'log' && /^saved the install/.test(e.text)), 'the save finished before SIGTERM');
      assert.deepEqual(await entries(cacheDir), []);
      assert.deepEqual(await fs.readdir(path.join(cacheDir, 'tmp')), []);
      assert.ok(!existsSync(path.join(base, 'big.tar')));
      const again = await buildWith(src, cacheDir);
      assert.equal(installStart(again.r).cached, false);
    });

    it('SIGKILL while saving leaves a temporary that no build uses and the next build removes', async () => {
      const src = await project(scratch, big);
      const cacheDir = path.join(await scratch.dir('cache'), 'c');
      const run = startMakeimg(['--json', '--directory', src, '--cache-dir', cacheDir, await scratch.dir('out')]);
      await run.waitFor((e) => e.type === 'log' && e.text === 'saving the install to the cache');
      // Once the temporary entry exists (20,000 files keep the copy going for a while, even on a quiet machine).
      while (!existsSync(path.join(cacheDir, 'tmp')) || (await fs.readdir(path.join(cacheDir, 'tmp'))).length === 0)
        await new Promise((r) => setTimeout(r, 5));
      run.child.kill('SIGKILL');
      await run.done;
      // cp runs in a process group of its own: end it too, as the dead makeimg cannot.
      for (const pid of await copiesInto(cacheDir)) process.kill(pid, 'SIGKILL');
      assert.deepEqual(await entries(cacheDir), []);
      assert.equal((await fs.readdir(path.join(cacheDir, 'tmp'))).length, 1);
      const again = await buildWith(src, cacheDir);
      assert.equal(installStart(again.r).cached, false);
      assert.equal((await entries(cacheDir)).length, 1);
      assert.deepEqual(await fs.readdir(path.join(cacheDir, 'tmp')), []);
    });

    it("two builds of one key at once: the second waits, says so, and restores the first one's install", async () => {
      const src = await project(
        scratch,
        `img_name=two.tar
do_install() { sleep 12; mkdir "$img_dir/etc"; date +%s%N > "$img_dir/etc/stamp"; }
`,
      );
      const cacheDir = path.join(await scratch.dir('cache'), 'c');
      const [b1, b2] = [await scratch.dir('out'), await scratch.dir('out')];
      const one = startMakeimg(['--json', '--directory', src, '--cache-dir', cacheDir, b1]);
      await one.waitFor((e) => e.type === 'stage' && e.stage === 'install' && e.state === 'start');
      const two = startMakeimg(['--json', '--directory', src, '--cache-dir', cacheDir, b2]);
      const [r1, r2] = await Promise.all([one.done, two.done]);
      one.child.stdin.destroy();
      two.child.stdin.destroy();
      assert.equal(r1.code, 0, r1.stderr);
      assert.equal(r2.code, 0, r2.stderr);
      assert.equal(installStart(r1).cached, false);
      assert.ok(
        logs(r2).some((l) => /^waiting for another makeimg \(pid \d+\)/.test(l)),
        logs(r2).join('\n'),
      );
      assert.equal(installStart(r2).cached, true);
      const [x, y] = [await scratch.dir('x'), await scratch.dir('y')];
      extract(path.join(b1, 'two.tar'), x);
      extract(path.join(b2, 'two.tar'), y);
      assert.equal(await fs.readFile(path.join(x, 'etc/stamp'), 'utf8'), await fs.readFile(path.join(y, 'etc/stamp'), 'utf8'));
      assert.equal((await entries(cacheDir)).length, 1);
    });

    it('a full cache file system: a warning, the build succeeds, nothing half-written stays', async () => {
      const src = await tinyProject(scratch, 'tiny.tar');
      const cacheDir = await scratch.dir('tmpfs');
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', cacheDir]);
      try {
        const { r, base } = await buildWith(src, cacheDir);
        assert.ok(
          logs(r).some((l) => /^warning: could not save the install to the cache \(.*No space left on device/.test(l)),
          logs(r).join('\n'),
        );
        assert.equal(resultEvent(r)?.ok, true);
        assert.ok(existsSync(path.join(base, 'tiny.tar')));
        assert.deepEqual(await entries(cacheDir), []);
        assert.deepEqual(await fs.readdir(path.join(cacheDir, 'tmp')), []);
      } finally {
        execFileSync('umount', [cacheDir]);
      }
    });
  });
});
