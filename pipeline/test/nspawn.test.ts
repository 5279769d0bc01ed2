/** The systemd-nspawn command lines (what they allow is tried for real by test/security/). */
import * as assert from 'node:assert/strict';
import { CONTROL_MOUNT } from '../src/confine/control-dir';
import { isNspawnNoise, NO_SYSTEMD_FLAGS, nspawnArgv, USER_NAMESPACE_FLAGS } from '../src/confine/nspawn';

describe('makeimg systemd-nspawn command lines', () => {
  const control = [
    { host: '/tmp/c/in', container: CONTROL_MOUNT, writable: false },
    { host: '/tmp/c/out/description', container: '/run/makeimg-out/description', writable: true },
  ];
  const base = { machine: 'm', control, command: ['/bin/bash', 'x'] };

  it('confines the host for hooks: volatile /, read-only /etc and $src_dir, $img_dir the only writable bind, no CAP_SYS_ADMIN', () => {
    const argv = nspawnArgv({
      ...base,
      place: 'confined-host',
      privilege: 'installer',
      srcDir: '/p/src',
      imgDir: '/p/img/a',
      systemdIsPid1: true,
    });
    for (const flag of [
      '--volatile=yes',
      '--directory=/',
      '--bind-ro=/etc',
      '--bind-ro=/p/src:/p/src',
      '--chdir=/p/src',
      '--bind=/p/img/a:/p/img/a',
      '--resolv-conf=off',
      '--timezone=off',
      `--bind-ro=/tmp/c/in:${CONTROL_MOUNT}`,
    ]) {
      assert.ok(argv.includes(flag), flag);
    }
    assert.deepEqual(
      argv.filter((a) => a.startsWith('--bind=')),
      ['--bind=/tmp/c/out/description:/run/makeimg-out/description', '--bind=/p/img/a:/p/img/a'],
    );
    assert.ok(argv.includes('--drop-capability=CAP_SYS_ADMIN,CAP_NET_RAW,CAP_AUDIT_CONTROL'));
    assert.ok(!argv.some((a) => a.startsWith('--private-users')));
    assert.deepEqual(argv.slice(-3), ['--', '/bin/bash', 'x']);
    for (const f of NO_SYSTEMD_FLAGS) assert.ok(!argv.includes(f));
  });

  it('evaluates image.sh in a user namespace without network, binds idmapped', () => {
    const argv = nspawnArgv({ ...base, place: 'confined-host', privilege: 'none', srcDir: '/p/src', systemdIsPid1: true });
    for (const f of USER_NAMESPACE_FLAGS) assert.ok(argv.includes(f), f);
    assert.ok(argv.includes('--bind-ro=/p/src:/p/src:idmap'));
    assert.ok(argv.includes(`--bind-ro=/tmp/c/in:${CONTROL_MOUNT}:idmap`));
    assert.ok(argv.includes('--bind=/tmp/c/out/description:/run/makeimg-out/description:idmap'));
    assert.ok(!argv.some((a) => a.startsWith('--drop-capability')));
  });

  it('adds --register=no --keep-unit --link-journal=no when systemd is not PID 1', () => {
    const argv = nspawnArgv({ ...base, place: 'confined-host', privilege: 'none', srcDir: '/s', systemdIsPid1: false });
    for (const f of NO_SYSTEMD_FLAGS) assert.ok(argv.includes(f), f);
  });

  it('runs do_postinstall in the rootfs with the host DNS bound, not copied, and no build paths', () => {
    const argv = nspawnArgv({
      ...base,
      control: control.slice(0, 1),
      place: 'rootfs',
      privilege: 'installer',
      imgDir: '/p/img/a',
      env: { SOURCE_DATE_EPOCH: '1' },
      systemdIsPid1: true,
    });
    for (const flag of [
      '--directory=/p/img/a',
      '--resolv-conf=bind-host',
      '--timezone=off',
      `--bind-ro=/tmp/c/in:${CONTROL_MOUNT}`,
      '--setenv=SOURCE_DATE_EPOCH=1',
      '--drop-capability=CAP_SYS_ADMIN,CAP_NET_RAW,CAP_AUDIT_CONTROL',
    ]) {
      assert.ok(argv.includes(flag), flag);
    }
    assert.ok(!argv.some((a) => a.startsWith('--bind=') || a.includes('/p/src') || a === '--volatile=yes'));
  });

  it('escapes colons in bind paths', () => {
    const argv = nspawnArgv({ ...base, place: 'confined-host', privilege: 'installer', srcDir: '/a:b', systemdIsPid1: true });
    assert.ok(argv.includes('--bind-ro=/a\\:b:/a\\:b'));
  });

  it("drops nspawn's own chatter but never a hook's output", () => {
    assert.ok(isNspawnNoise('Attempted to remove disk file system under "/run/systemd/nspawn/propagate/vm", and we can\'t allow that.'));
    assert.ok(isNspawnNoise('Container makeimg-12-3 terminated by signal KILL.'));
    assert.ok(!isNspawnNoise('Container web terminated by signal KILL.'));
    assert.ok(!isNspawnNoise('I: Retrieving InRelease'));
  });
});
