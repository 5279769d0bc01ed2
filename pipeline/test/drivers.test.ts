/** The container drivers (pipeline/src/confine/drivers/*.bash) are clean bash by ShellCheck, and take every value from the environment. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { evaluationDriver, installDriver, postinstallDriver } from '../src/confine/driver-scripts';

const DRIVERS = path.join(__dirname, '../src/confine/drivers');

describe('makeimg container drivers', () => {
  const files = readdirSync(DRIVERS).filter((f) => f.endsWith('.bash'));

  it('pass ShellCheck (following the files they source)', function () {
    const probe = spawnSync('shellcheck', ['--version']);
    // ShellCheck is a test dependency (scripts/install-deps): its absence is a failure, not a skip.
    assert.equal(probe.error, undefined, 'shellcheck is not installed (scripts/install-deps installs it)');
    const r = spawnSync('shellcheck', ['--external-sources', '--format=gcc', ...files], { cwd: DRIVERS, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(files.length >= 4, files.join(', '));
  });

  it('are the files themselves, values going through the environment', () => {
    const odd = "/p/it's a $(dir)`x`";
    for (const d of [
      evaluationDriver(odd),
      installDriver({ srcDir: odd, imgDir: `${odd}/img`, imgPath: `${odd}/img.tar`, errMarker: 'm' }),
      postinstallDriver({ definitions: 'declare -- a="1"', errMarker: 'm' }),
    ]) {
      assert.ok(
        files.some((f) => readFileSync(path.join(DRIVERS, f), 'utf8') === d.script),
        'the script is a driver file unchanged',
      );
      assert.ok(!d.script.includes(odd));
    }
    assert.equal(evaluationDriver(odd).env.MAKEIMG_VALUE_src_dir, odd);
    assert.equal(installDriver({ srcDir: odd, imgDir: '/i', imgPath: '/i.tar', errMarker: 'm' }).env.MAKEIMG_IMAGE_FILE, `${odd}/image.sh`);
  });
});
