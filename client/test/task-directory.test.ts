import { strict as assert } from 'node:assert';
import { resolveTaskDirectory } from '../src/build/task-directory';

describe('client task directory', () => {
  const has =
    (...dirs: string[]) =>
    (d: string) =>
      dirs.includes(d);

  it('defaults to the workspace folder', () => {
    assert.deepEqual(resolveTaskDirectory(undefined, '/ws', has('/ws')), { directory: '/ws' });
    assert.deepEqual(resolveTaskDirectory('  ', '/ws', has('/ws')), { directory: '/ws' });
  });

  it('takes a relative directory from the folder, an absolute one as it is', () => {
    assert.deepEqual(resolveTaskDirectory('images/debian', '/ws', has('/ws/images/debian')), { directory: '/ws/images/debian' });
    assert.deepEqual(resolveTaskDirectory('/srv/img/', '/ws', has('/srv/img')), { directory: '/srv/img' });
  });

  it('says why it cannot build', () => {
    assert.deepEqual(resolveTaskDirectory('nope', '/ws', has()), {
      directory: '/ws/nope',
      problem: 'makeimg: there is no image.sh in /ws/nope',
    });
    assert.match(resolveTaskDirectory('relative', undefined, has()).problem ?? '', /set "directory" in the task/);
  });
});
