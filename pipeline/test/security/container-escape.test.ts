/**
 * Issue 10 items 1 and 3, tried as an attacker would (real CLI, real
 * systemd-nspawn, as root): image.sh's top level (resolve and `makeimg
 * check`), do_install and do_postinstall try to remount the host's /etc
 * writable, to mount the host's root file system from a device node they
 * create, and to make the host follow what they write. Each asserts the host
 * is untouched.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '../../../shared/events';
import { project, Scratch, tinyProject } from '../support/projects';
import { errorEvent, runMakeimg } from '../support/run-makeimg';

/** The block device of the host's root file system, as `major minor`. */
function rootDevice(): string {
  const dev = statSync('/').dev;
  // Linux dev_t: major in bits 8-19 (and 32+), minor in bits 0-7 and 20-31.
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | ((Math.floor(dev / 1048576) & 0xfff) << 8);
  return `${major} ${minor}`;
}

/**
 * Bash that tries every way out of the container it knows: each success
 * leaves a marker file in the host's /etc or root directory.
 */
function escapeAttempts(marker: string): string {
  return `
    { mount -o remount,bind,rw /etc && echo pwned > /etc/${marker}-remount; } 2>/dev/null || :
    { mknod /tmp/${marker}-disk b ${rootDevice()} && mkdir -p /tmp/${marker}-mnt &&
      mount /tmp/${marker}-disk /tmp/${marker}-mnt && echo pwned > /tmp/${marker}-mnt/${marker}-mknod; } 2>/dev/null || :
    { echo pwned > /etc/${marker}-direct; } 2>/dev/null || :
    true`;
}

function assertHostUntouched(marker: string): void {
  const files = [`/etc/${marker}-remount`, `/${marker}-mknod`, `/etc/${marker}-direct`];
  const found = files.filter((f) => existsSync(f));
  for (const f of found) rmSync(f, { force: true });
  assert.deepEqual(found, [], 'image.sh changed the host');
}

describe('security: image.sh cannot change the host (real systemd-nspawn)', function () {
  // Up to three confined runs per test: minutes on a loaded 2-core machine.
  this.timeout(300_000);
  const scratch = Scratch.forRootSuite();
  const marker = (): string => `makeimg-sec-${randomBytes(4).toString('hex')}`;

  it('at the top level during `makeimg check` (validation never runs anything as real root)', async () => {
    const m = marker();
    const src = await tinyProject(scratch, 'sec.tar', `${escapeAttempts(m)}\necho "uid_map: $(tr -s ' ' < /proc/self/uid_map)"\n`);
    const r = await runMakeimg(['check', '--directory', src, path.join(await scratch.dir('out'), 'img')]);
    assertHostUntouched(m);
    assert.equal(r.code, EXIT.OK, r.stdout + r.stderr);
  });

  it('at the top level during a build (resolve)', async () => {
    const m = marker();
    const src = await tinyProject(scratch, 'sec.tar', escapeAttempts(m));
    const r = await runMakeimg(['--json', '--directory', src, path.join(await scratch.dir('out'), 'img')]);
    assertHostUntouched(m);
    assert.equal(r.code, EXIT.OK, r.stderr);
  });

  it('in do_install and do_postinstall (the build still succeeds)', async () => {
    const m = marker();
    // tiny's hooks wrapped; the tools of the attempts copied into the image for do_postinstall.
    const src = await tinyProject(
      scratch,
      'sec.tar',
      `
eval "tiny_$(declare -f do_install)"
eval "tiny_$(declare -f do_postinstall)"
do_install() {
  ${escapeAttempts(m)}
  tiny_do_install
  for p in /usr/bin/mount /usr/bin/mknod /usr/bin/mkdir; do copy_program "$p"; done
}
do_postinstall() {
  ${escapeAttempts(m)}
  tiny_do_postinstall
}
`,
    );
    const r = await runMakeimg(['--json', '--directory', src, path.join(await scratch.dir('out'), 'img')]);
    assertHostUntouched(m);
    assert.equal(r.code, EXIT.OK, JSON.stringify(r.events.filter((e) => e.type === 'log' || e.type === 'error')));
  });

  it('the host never follows what the evaluation wrote: a description replaced by a link to a root-only file', async () => {
    const secret = path.join(await scratch.dir('secret'), 'shadow');
    const token = `SECRET-${randomBytes(6).toString('hex')}`;
    await fs.writeFile(secret, `${token}\0x\0`, { mode: 0o600 });
    for (const how of [`ln -sf ${secret}`, 'ln -sf /dev/zero', 'rm -f "$f"; mkfifo']) {
      const src = await project(
        scratch,
        `img_name=x.tar
do_install() { :; }
trap 'for f in /run/makeimg*/description /run/makeimg*/*/description; do [ -e "$f" ] || [ -L "$f" ] || continue; rm -f "$f"; ${how} "$f"; done' EXIT
`,
      );
      const r = await runMakeimg(['--json', '--directory', src, path.join(await scratch.dir('out'), 'img')]);
      const text = JSON.stringify(r.events) + r.stderr;
      assert.ok(!text.includes(token), `the secret leaked (${how}): ${text}`);
      assert.notEqual(r.code, null, `makeimg hung or died (${how})`);
    }
  });

  it("cannot read the host's /etc/shadow at the top level", async () => {
    const src = await tinyProject(scratch, 'shadow.tar', 'echo "shadow: $(head -c 200 /etc/shadow 2>&1 | tr -d "\\n")"\n');
    const r = await runMakeimg(['check', '--directory', src, path.join(await scratch.dir('out'), 'img')]);
    assert.equal(r.code, EXIT.OK, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /root:[^:]*:\d+:/, 'the shadow entries were read');
  });

  it('cannot open a raw packet socket on the host network in do_install (no CAP_NET_RAW)', async () => {
    const src = await tinyProject(
      scratch,
      'raw.tar',
      `
eval "tiny_$(declare -f do_install)"
do_install() {
  tiny_do_install
  python3 -c 'import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)' 2>&1 | tail -n 1 > "$img_dir/etc/raw"
}
`,
    );
    const base = path.join(await scratch.dir('out'), 'img');
    const r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, EXIT.OK, r.stderr);
    const raw = execFileSync('tar', ['-xOf', path.join(base, 'raw.tar'), './etc/raw'], { encoding: 'utf8' });
    assert.match(raw, /PermissionError|Operation not permitted/);
  });

  it("cannot create a block device or a host character device outside /dev's standard set in do_install; /dev/null & co still can be (device policy)", async function () {
    if (existsSync('/run/systemd/system')) this.skip(); // systemd as PID 1: nspawn's scope has systemd's device policy
    const src = await tinyProject(
      scratch,
      'devices.tar',
      `
eval "tiny_$(declare -f do_install)"
do_install() {
  tiny_do_install
  try() { if "$@" 2>/dev/null; then echo yes; else echo no; fi; }
  {
    echo "disk $(try mknod "$img_dir/hostdisk" b ${rootDevice()})"
    echo "kmsg $(try mknod "$img_dir/kmsg" c 1 11)"
    echo "mem $(try mknod "$img_dir/mem" c 1 1)"
    echo "null $(try mknod "$img_dir/dev-null" c 1 3)"
    echo "read-disk $(try dd if="$src_dir/hostdisk" of=/dev/null bs=512 count=1)"
  } > "$img_dir/etc/devices"
  rm -f "$img_dir/hostdisk" "$img_dir/kmsg" "$img_dir/mem" "$img_dir/dev-null"
}
`,
    );
    // A block node of the host's disk that already exists where the hook can reach it: opening it is refused too.
    execFileSync('mknod', [path.join(src, 'hostdisk'), 'b', ...rootDevice().split(' ')]);
    const base = path.join(await scratch.dir('out'), 'img');
    const r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, EXIT.OK, r.stderr);
    const seen = execFileSync('tar', ['-xOf', path.join(base, 'devices.tar'), './etc/devices'], { encoding: 'utf8' });
    assert.equal(seen, 'disk no\nkmsg no\nmem no\nnull yes\nread-disk no\n');
  });
});
