import * as assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../src/cli/args';

describe('makeimg command line', () => {
  it('defaults to build with no img_dir_base', () => {
    assert.deepEqual(parseArgs([]), { command: 'build', json: false, strict: false, files: [], boot: false, shellCommand: [], imgDirBase: undefined });
  });

  it('takes img_dir_base, --json and --directory in any order, with or without =', () => {
    const a = parseArgs(['--json', '/out', '--directory', '/src']);
    assert.deepEqual([a.command, a.json, a.imgDirBase, a.directory], ['build', true, '/out', '/src']);
    assert.equal(parseArgs(['build', '--directory=/p']).directory, '/p');
    assert.equal(parseArgs(['-C', '/q']).directory, '/q');
  });

  it('knows check, lint FILES, fmt ARGS, --help and --version', () => {
    assert.equal(parseArgs(['check', 'out']).command, 'check');
    assert.deepEqual(parseArgs(['lint', 'a/image.sh', '--help']), { command: 'lint', json: false, strict: false, files: ['a/image.sh', '--help'], boot: false, shellCommand: [] });
    assert.deepEqual(parseArgs(['fmt', '--check', 'image.sh']), { command: 'fmt', json: false, strict: false, files: ['--check', 'image.sh'], boot: false, shellCommand: [] });
    assert.equal(parseArgs(['--help']).command, 'help');
    assert.equal(parseArgs(['-V']).command, 'version');
  });

  it('knows inspect IMAGE and --strict', () => {
    const a = parseArgs(['inspect', '--json', 'img/x.tar.zst']);
    assert.deepEqual([a.command, a.json, a.image, a.strict], ['inspect', true, 'img/x.tar.zst', false]);
    assert.equal(parseArgs(['build', '--strict']).strict, true);
    assert.throws(() => parseArgs(['inspect']), /inspect takes one IMAGE/);
  });

  it('knows shell [--boot] [IMAGE] [-- COMMAND]', () => {
    const a = parseArgs(['shell', 'img/x.tar.zst', '--', 'cat', '/etc/os-release']);
    assert.deepEqual([a.command, a.image, a.shellCommand, a.boot], ['shell', 'img/x.tar.zst', ['cat', '/etc/os-release'], false]);
    assert.equal(parseArgs(['shell', '--boot']).boot, true);
    assert.equal(parseArgs(['shell']).image, undefined);
    assert.throws(() => parseArgs(['shell', '--boot', 'x', '--', 'ls']), /--boot/);
  });

  it('takes SOURCE_DATE_EPOCH from the option first, then the environment', () => {
    assert.equal(parseArgs([], { SOURCE_DATE_EPOCH: '12' }).sourceDateEpoch, 12);
    assert.equal(parseArgs(['--source-date-epoch', '34'], { SOURCE_DATE_EPOCH: '12' }).sourceDateEpoch, 34);
  });

  it('rejects unknown options, extra arguments, missing values and bad epochs', () => {
    assert.throws(() => parseArgs(['--force']), UsageError);
    assert.throws(() => parseArgs(['a', 'b']), /too many arguments/);
    assert.throws(() => parseArgs(['--directory']), /needs a value/);
    assert.throws(() => parseArgs([], { SOURCE_DATE_EPOCH: 'yesterday' }), /SOURCE_DATE_EPOCH/);
  });
});

describe('makeimg command line: the install cache', () => {
  it('takes --no-cache, --cache-max-age and --cache-dir on build', () => {
    const a = parseArgs(['--no-cache', '--cache-max-age', '7d', '--cache-dir=/c']);
    assert.deepEqual([a.command, a.noCache, a.cacheMaxAgeMs, a.cacheDir], ['build', true, 604_800_000, '/c']);
    assert.throws(() => parseArgs(['--cache-max-age', 'later']), /duration/);
  });

  it('knows cache list and cache clean with --all, --older-than, --keep-size', () => {
    assert.equal(parseArgs(['cache', 'list']).cacheAction, 'list');
    assert.deepEqual(parseArgs(['cache', 'clean', '--all']).clean, { all: true });
    assert.deepEqual(parseArgs(['cache', 'clean', '--older-than', '2d']).clean, { olderThanMs: 172_800_000 });
    assert.deepEqual(parseArgs(['cache', 'clean', '--keep-size=1G']).clean, { keepBytes: 1024 ** 3 });
    assert.throws(() => parseArgs(['cache', 'clean']), /needs --all/);
    assert.throws(() => parseArgs(['cache']), /list or clean/);
    assert.throws(() => parseArgs(['--all']), /unknown option/);
  });
});
