/** Two builds of the same image with the same SOURCE_DATE_EPOCH give the same archive bytes. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Scratch, tinyProject } from './support/projects';
import { runMakeimg } from './support/run-makeimg';

describe('makeimg reproducible archives', function () {
  this.timeout(60_000);
  const scratch = Scratch.forRootSuite();

  it('builds byte-identical .tar.zst twice with SOURCE_DATE_EPOCH (env and option)', async () => {
    const src = await tinyProject(scratch, 'tiny.tar.zst');
    const a = await scratch.dir('a');
    const b = await scratch.dir('b');
    const ra = await runMakeimg(['--json', '--directory', src, a], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
    assert.equal(ra.code, 0, ra.stderr);
    // The second build happens later (different mtimes on disk), through the option.
    await new Promise((r) => setTimeout(r, 1100));
    const rb = await runMakeimg(['--json', '--source-date-epoch', '1700000000', '--directory', src, b]);
    assert.equal(rb.code, 0, rb.stderr);
    const [x, y] = await Promise.all([fs.readFile(path.join(a, 'tiny.tar.zst')), fs.readFile(path.join(b, 'tiny.tar.zst'))]);
    assert.ok(x.length > 1000);
    assert.ok(x.equals(y), 'archives differ');
  });
});
