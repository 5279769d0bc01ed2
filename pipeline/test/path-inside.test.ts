import * as assert from 'node:assert/strict';
import { isInside } from '../src/path-inside';

describe('isInside', () => {
  it('accepts the directory itself and what lies below it, including names starting with two dots', () => {
    assert.deepEqual(
      ['/a/b', '/a/b/c', '/a/b/c/../d', '/a/b/..cache', '/a/b/..'].map((p) => isInside(p, '/a/b')),
      [true, true, true, true, false],
    );
  });

  it('refuses parents, siblings with a common prefix and other trees', () => {
    assert.deepEqual(['/a', '/a/bc', '/a/b/../c', '/x/b'].map((p) => isInside(p, '/a/b')), [false, false, false, false]);
  });
});
