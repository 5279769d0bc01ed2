/**
 * examples/debian as shipped (debootstrap from deb.debian.org) comes out
 * clean: `makeimg build --strict` succeeds and its report has no hygiene
 * finding. A real debootstrap: one to ten minutes, depending on the mirror
 * and the machine.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ReportEvent } from '../../shared/events';
import { Scratch } from './support/projects';
import { REPO, resultEvent, runMakeimg } from './support/run-makeimg';

describe('examples/debian (debootstrap) is a clean image', function () {
  this.timeout(1_200_000);
  const scratch = Scratch.forRootSuite();

  it('builds with --strict and reports no hygiene finding', async () => {
    const src = await scratch.dir('debian');
    await fs.cp(path.join(REPO, 'examples/debian'), src, { recursive: true });
    const base = await scratch.dir('img');
    const r = await runMakeimg(['--json', '--strict', '--directory', src, base]);
    const report = r.events.find((e): e is ReportEvent => e.type === 'report');
    assert.ok(report, r.stderr + r.stdout.slice(-3000));
    assert.deepEqual(report.report.findings, [], JSON.stringify(report.report.findings, null, 1));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(resultEvent(r)?.imgPath, path.join(base, 'debian-bookworm.tar.zst'));
    assert.ok(report.report.totalBytes > 100 << 20, `a real system: ${report.report.totalBytes} bytes`);
    assert.ok(report.report.byTopDir[0]?.path === '/usr');
  });
});
