import * as assert from 'node:assert/strict';
import { classifyImageName, imageDirFor } from '../contract';

describe('contract: image names', () => {
  it('classifies supported suffixes, longest first', () => {
    const c = classifyImageName('debian.tar.gz');
    assert.equal(c.kind, 'archive');
    assert.equal(c.kind === 'archive' && c.suffix.suffix, '.tar.gz');
    assert.equal(c.kind === 'archive' && c.stem, 'debian');
    assert.equal(classifyImageName('x.tar.zst').kind, 'archive');
    assert.equal(classifyImageName('x.tar').kind, 'archive');
  });
  it('treats a name without an archive suffix as a directory', () => {
    assert.deepEqual(classifyImageName('debian-12'), { kind: 'directory' });
    assert.deepEqual(classifyImageName('my.image'), { kind: 'directory' });
  });
  it('rejects unsupported suffixes with a suggestion when one is obvious', () => {
    assert.deepEqual(classifyImageName('a.tgz'), { kind: 'unsupported', suffix: '.tgz', suggestion: '.tar.gz' });
    assert.deepEqual(classifyImageName('a.zip'), { kind: 'unsupported', suffix: '.zip', suggestion: undefined });
    assert.deepEqual(classifyImageName('a.tar.lz4'), { kind: 'unsupported', suffix: '.tar.lz4', suggestion: undefined });
    assert.deepEqual(classifyImageName('a.tar.foo'), { kind: 'unsupported', suffix: '.tar.foo' });
  });
  it('derives img_dir from img_path', () => {
    assert.equal(imageDirFor('/x/img/debian.tar.xz'), '/x/img/debian');
    assert.equal(imageDirFor('/x/img/debian'), '/x/img/debian');
  });
});
