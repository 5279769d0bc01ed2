/** Which functions the install cache's key covers, and the cache's durations and sizes (pure logic). */
import * as assert from 'node:assert/strict';
import { formatAge } from '../../shared/units';
import { parseDuration, parseSize } from '../src/cache/age';
import { installFunctions } from '../src/cache/install-functions';

const fn = (name: string, body: string): [string, string] => [name, `${name} () \n{ \n    ${body}\n}`];

describe('install cache key: functions', () => {
  it('covers do_install and what it calls transitively, not what only do_postinstall calls', () => {
    const functions = Object.fromEntries([
      fn('do_install', 'copy_program /bin/bash; setup'),
      fn('copy_program', 'install -D "$1" "$img_dir$1"; libs_of "$1"'),
      fn('libs_of', 'ldd "$1"'),
      fn('setup', 'shared_helper'),
      fn('do_postinstall', 'passwd_line root 0 >> /etc/passwd; shared_helper'),
      fn('passwd_line', 'printf "%s\\n" "$1"; post_only'),
      fn('post_only', 'true'),
      fn('shared_helper', 'true'),
    ]);
    assert.deepEqual(installFunctions({ functions, variables: {} }), ['copy_program', 'do_install', 'libs_of', 'setup', 'shared_helper']);
  });

  it('keeps functions nothing calls, and names mentioned in variables or strings', () => {
    const functions = Object.fromEntries([
      fn('do_install', 'for s in "${steps[@]}"; do "$s"; done; eval "by_eval"'),
      fn('step_a', 'true'),
      fn('by_eval', 'true'),
      fn('orphan', 'true'),
      fn('do_postinstall', 'step_a; post'),
      fn('post', 'true'),
    ]);
    const variables = { steps: 'declare -a steps=([0]="step_a")' };
    assert.deepEqual(installFunctions({ functions, variables }), ['by_eval', 'do_install', 'orphan', 'step_a']);
  });
});

describe('install cache: durations and sizes', () => {
  it('parses durations and sizes, and refuses other text', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.equal(parseDuration('12h'), 43_200_000);
    assert.equal(parseDuration('7d'), 604_800_000);
    assert.equal(parseDuration('15'), 15_000);
    assert.equal(parseDuration('soon'), undefined);
    assert.equal(parseSize('10G'), 10 * 1024 ** 3);
    assert.equal(parseSize('500MiB'), 500 * 1024 ** 2);
    assert.equal(parseSize('4096'), 4096);
    assert.equal(parseSize('big'), undefined);
  });

  it('says how long ago', () => {
    assert.equal(formatAge(12_000), '12 s ago');
    assert.equal(formatAge(4 * 60_000 + 5000), '4 min ago');
    assert.equal(formatAge(3 * 3_600_000), '3 h ago');
    assert.equal(formatAge(86_400_000), '1 day ago');
  });
});
