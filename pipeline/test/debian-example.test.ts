/**
 * One real distribution: examples/debian as shipped (debootstrap minbase
 * bookworm with systemd from deb.debian.org, a user created by
 * do_postinstall, .tar.zst output) builds and comes out clean: `makeimg build
 * --strict` succeeds, its report has no hygiene finding, and the archive holds
 * a working Debian. A real debootstrap: one to ten minutes, depending on the
 * mirror and the machine. (It is the only debootstrap build of the suite: it
 * also shows debootstrap works inside the hooks' confinement.)
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ReportEvent } from '../../shared/events';
import { Scratch } from './support/projects';
import { REPO, resultEvent, runMakeimg } from './support/run-makeimg';

describe('examples/debian (debootstrap) is a clean image', function () {
  this.timeout(1_200_000);
  const scratch = Scratch.forRootSuite();

  it('builds with --strict, reports no hygiene finding, and holds the user do_postinstall created', async () => {
    const src = await scratch.dir('debian');
    await fs.cp(path.join(REPO, 'examples/debian'), src, { recursive: true });
    const base = await scratch.dir('img');
    const r = await runMakeimg(['--json', '--strict', '--directory', src, base]);
    const report = r.events.find((e): e is ReportEvent => e.type === 'report');
    assert.ok(report, r.stderr + r.stdout.slice(-3000));
    assert.deepEqual(report.report.findings, [], JSON.stringify(report.report.findings, null, 1));
    assert.equal(r.code, 0, r.stderr);
    const archive = path.join(base, 'debian-bookworm.tar.zst');
    assert.equal(resultEvent(r)?.imgPath, archive);
    assert.ok(report.report.totalBytes > 100 << 20, `a real system: ${report.report.totalBytes} bytes`);
    assert.ok(report.report.byTopDir[0]?.path === '/usr');

    const passwd = execFileSync('tar', ['-xOf', archive, './etc/passwd']).toString();
    assert.match(passwd, /^root:x:0:0:/m);
    const admin = /^admin:x:(\d+):(\d+)::\/home\/admin:\/bin\/bash$/m.exec(passwd);
    assert.ok(admin, passwd);
    const listing = execFileSync('tar', ['-tvf', archive, '--numeric-owner', './home/admin/', './usr/bin/dpkg'], {
      maxBuffer: 1 << 20,
    }).toString();
    assert.match(listing, new RegExp(`^drwx.* ${admin[1]}/${admin[2]} .* \\./home/admin/$`, 'm'));
    assert.match(listing, /\.\/usr\/bin\/dpkg$/m);
  });
});
