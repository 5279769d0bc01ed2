/**
 * How long a build's findings stay in Problems (client/src/image/shown-findings.ts):
 * while their image is there, unchanged. Real files in a temporary directory:
 * a build refused because the image exists (no report, the image untouched)
 * keeps them; one that replaced or removed the image without a report drops them.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageIdentity, ShownFindings } from '../src/image/shown-findings';

describe('image findings in Problems: how long they stay', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'makeimg-shown-findings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A build of `file` that reports on `image` (written when the archive stage ends). */
  function reportedBuild(shown: ShownFindings, file: string, image: string, content: string): string[] {
    shown.buildStarted();
    writeFileSync(`${image}.tmp`, content);
    renameSync(`${image}.tmp`, image);
    shown.reportArrived(file, image);
    return shown.buildFinished();
  }

  it('a build that leaves the image alone (refused: it exists; failed; cancelled) keeps the findings', () => {
    const shown = new ShownFindings();
    const image = join(dir, 'tiny.tar.gz');
    assert.deepEqual(reportedBuild(shown, '/p/image.sh', image, 'first'), []);
    for (let i = 0; i < 2; i++) {
      shown.buildStarted();
      assert.deepEqual(shown.buildFinished(), [], 'no report, the image unchanged');
    }
  });

  it('a build that replaced the image without a report drops them; one that removed it too', () => {
    const shown = new ShownFindings();
    const image = join(dir, 'tiny.tar.gz');
    reportedBuild(shown, '/p/image.sh', image, 'first');
    shown.buildStarted();
    writeFileSync(`${image}.tmp`, 'second, longer');
    renameSync(`${image}.tmp`, image);
    assert.deepEqual(shown.buildFinished(), ['/p/image.sh']);
    shown.buildStarted();
    assert.deepEqual(shown.buildFinished(), [], 'dropped once');

    reportedBuild(shown, '/p/image.sh', image, 'third');
    rmSync(image);
    shown.buildStarted();
    assert.deepEqual(shown.buildFinished(), ['/p/image.sh']);
  });

  it('a new report replaces the findings of its image.sh (never dropped then), and leaves other projects alone', () => {
    const shown = new ShownFindings();
    const a = join(dir, 'a.tar');
    const b = join(dir, 'b.tar');
    reportedBuild(shown, '/a/image.sh', a, 'a1');
    assert.deepEqual(reportedBuild(shown, '/b/image.sh', b, 'b1'), [], "b's build keeps a's findings (a's image is unchanged)");
    assert.deepEqual(reportedBuild(shown, '/a/image.sh', a, 'a2, rebuilt'), [], 'the new report of a replaced them');
    shown.buildStarted();
    assert.deepEqual(shown.buildFinished(), [], "a's new image is the one its findings describe");
  });

  it('findings restored from an earlier session stay while that image is there', () => {
    const image = join(dir, 'kept.tar');
    writeFileSync(image, 'kept');
    const shown = new ShownFindings();
    shown.restored('/p/image.sh', image);
    shown.buildStarted();
    assert.deepEqual(shown.buildFinished(), []);
    rmSync(image);
    shown.buildStarted();
    assert.deepEqual(shown.buildFinished(), ['/p/image.sh']);
  });

  it('a directory image: the same tree stays itself, another one renamed over it is another image', () => {
    const image = join(dir, 'rootfs');
    mkdirSync(join(image, 'etc'), { recursive: true });
    const shown = new ShownFindings();
    shown.restored('/p/image.sh', image);
    shown.buildStarted();
    assert.deepEqual(shown.buildFinished(), []);
    mkdirSync(join(dir, 'rootfs.new', 'etc'), { recursive: true });
    rmSync(image, { recursive: true });
    renameSync(join(dir, 'rootfs.new'), image);
    shown.buildStarted();
    assert.deepEqual(shown.buildFinished(), ['/p/image.sh']);
    assert.equal(imageIdentity(join(dir, 'missing')), undefined);
  });
});
