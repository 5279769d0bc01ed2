import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isInside, pathExists } from '../src/paths';

describe('isInside', () => {
  it('accepts the directory itself and what lies below it, including names starting with two dots', () => {
    assert.deepEqual(
      ['/a/b', '/a/b/c', '/a/b/c/../d', '/a/b/..cache', '/a/b/..'].map((p) => isInside(p, '/a/b')),
      [true, true, true, true, false],
    );
  });

  it('refuses parents, siblings with a common prefix and other trees', () => {
    assert.deepEqual(
      ['/a', '/a/bc', '/a/b/../c', '/x/b'].map((p) => isInside(p, '/a/b')),
      [false, false, false, false],
    );
  });
});

describe('pathExists', () => {
  it('sees files and dangling symlinks; a missing path or one below a file does not exist', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-paths-'));
    try {
      await fs.writeFile(path.join(dir, 'file'), '');
      await fs.symlink(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
      const answers = await Promise.all(['file', 'dangling', 'missing', 'file/below'].map((p) => pathExists(path.join(dir, p))));
      assert.deepEqual(answers, [true, true, false, false]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
