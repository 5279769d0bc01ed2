import * as assert from 'node:assert/strict';
import { expandHome } from '../paths';

describe('expandHome', () => {
  it('expands ~ and ~/x to the given home, and leaves ~user, relative and absolute paths alone', () => {
    assert.deepEqual(
      ['~', '~/images', '~alice/x', 'images', '/srv/img'].map((p) => expandHome(p, '/home/u')),
      ['/home/u', '/home/u/images', '~alice/x', 'images', '/srv/img'],
    );
  });
});
