/** The systemd-nspawn command lines (the confinement itself is exercised by the end-to-end tests). */
import * as assert from 'node:assert/strict';
import { CONTROL_MOUNT, isNspawnNoise, NO_SYSTEMD_FLAGS, nspawnArgv } from '../src/confine/nspawn';

describe('makeimg systemd-nspawn command lines', () => {
  const base = { machine: 'm', controlDir: '/tmp/c', command: ['/bin/bash', 'x'] };

  it('confines the host: volatile /, read-only /etc and $src_dir, $img_dir the only writable bind', () => {
    const argv = nspawnArgv({ ...base, place: 'confined-host', srcDir: '/p/src', imgDir: '/p/img/a', systemdIsPid1: true });
    for (const flag of ['--volatile=yes', '--directory=/', '--bind-ro=/etc', '--bind-ro=/p/src', '--chdir=/p/src', '--bind=/p/img/a', '--resolv-conf=off', '--timezone=off', `--bind=/tmp/c:${CONTROL_MOUNT}`]) {
      assert.ok(argv.includes(flag), flag);
    }
    assert.deepEqual(argv.filter((a) => a.startsWith('--bind=')), [`--bind=/tmp/c:${CONTROL_MOUNT}`, '--bind=/p/img/a']);
    assert.deepEqual(argv.slice(-3), ['--', '/bin/bash', 'x']);
    for (const f of NO_SYSTEMD_FLAGS) assert.ok(!argv.includes(f));
  });

  it('adds --register=no --keep-unit --link-journal=no when systemd is not PID 1', () => {
    const argv = nspawnArgv({ ...base, place: 'confined-host', srcDir: '/s', systemdIsPid1: false });
    for (const f of NO_SYSTEMD_FLAGS) assert.ok(argv.includes(f), f);
  });

  it('runs do_postinstall in the rootfs with the host DNS bound, not copied, and no build paths', () => {
    const argv = nspawnArgv({ ...base, place: 'rootfs', imgDir: '/p/img/a', env: { SOURCE_DATE_EPOCH: '1' }, systemdIsPid1: true });
    for (const flag of ['--directory=/p/img/a', '--resolv-conf=bind-host', '--timezone=off', `--bind-ro=/tmp/c:${CONTROL_MOUNT}`, '--setenv=SOURCE_DATE_EPOCH=1']) {
      assert.ok(argv.includes(flag), flag);
    }
    assert.ok(!argv.some((a) => a.startsWith('--bind=') || a.includes('/p/src') || a === '--volatile=yes'));
  });

  it('escapes colons in bind paths', () => {
    const argv = nspawnArgv({ ...base, place: 'confined-host', srcDir: '/a:b', systemdIsPid1: true });
    assert.ok(argv.includes('--bind-ro=/a\\:b'));
  });

  it("drops nspawn's own chatter but never a hook's output", () => {
    assert.ok(isNspawnNoise('Attempted to remove disk file system under "/run/systemd/nspawn/propagate/vm", and we can\'t allow that.'));
    assert.ok(isNspawnNoise('Container makeimg-12-3 terminated by signal KILL.'));
    assert.ok(!isNspawnNoise('Container web terminated by signal KILL.'));
    assert.ok(!isNspawnNoise('I: Retrieving InRelease'));
  });
});
