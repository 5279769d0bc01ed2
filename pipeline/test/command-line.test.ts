/** makeimg's command line: verbs and options in any order, one-line usage errors with suggestions. */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { editDistance, parseCommandLine, suggest, UsageError, verbOptions } from '../src/cli/command-line';
import { sourceDateEpoch } from '../src/cli/verbs/build';
import { cleanOptions, durationOption } from '../src/cli/verbs/cache';
import { DEFAULT_VERB, VERBS } from '../src/cli/verbs';
import { mainUsage, verbUsage } from '../src/cli/usage';

describe('makeimg command line', () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'makeimg-args-'));
  const parse = (...argv: string[]) => parseCommandLine(argv, VERBS, DEFAULT_VERB, cwd);

  it('defaults to build with no img_dir_base', () => {
    const p = parse();
    assert.equal(p.verb.name, 'build');
    assert.deepEqual(p.positionals, []);
  });

  it('takes options before or after the verb (makeimg --json check is a check, issue 11 item 4)', () => {
    for (const argv of [
      ['--json', 'check'],
      ['check', '--json'],
      ['-C', '/src', '--json', 'check', 'out'],
      ['check', 'out', '--directory=/src', '--json'],
    ]) {
      const p = parse(...argv);
      assert.equal(p.verb.name, 'check', argv.join(' '));
      assert.equal(p.values.json, true);
    }
    const p = parse('-C', '/src', '--json', 'check', 'out');
    assert.deepEqual([p.values.directory, p.positionals], ['/src', ['out']]);
    assert.equal(parse('--progress', 'plain', 'build', '/out').values.progress, 'plain');
  });

  it('reads img_dir_base for build: paths, existing directories, and anything after --', () => {
    assert.deepEqual(parse('/srv/images').positionals, ['/srv/images']);
    assert.deepEqual(parse('./new').positionals, ['./new']);
    mkdirSync(path.join(cwd, 'images'), { recursive: true });
    assert.deepEqual(parse('images').positionals, ['images']);
    assert.deepEqual(parse('--', 'check').positionals, ['check']);
    assert.equal(parse('--', 'check').verb.name, 'build');
  });

  it('unknown verbs are one-line errors with a suggestion, not an img_dir_base', () => {
    assert.throws(
      () => parse('chekc'),
      (e: UsageError) => {
        assert.equal(
          e.message,
          "'chekc' is not a makeimg command; did you mean 'check'? (to build into a new directory of that name, write ./chekc; see makeimg --help)",
        );
        return true;
      },
    );
    assert.throws(() => parse('frobnicate'), /^UsageError: 'frobnicate' is not a makeimg command \(to build/);
  });

  it('unknown options: one line with a suggestion; an option of another verb says whose it is', () => {
    assert.throws(() => parse('--jsno'), /^UsageError: unknown option --jsno; did you mean --json\? \(see makeimg help build\)$/);
    assert.throws(() => parse('check', '--format', 'gcc'), /--format is an option of makeimg lint, not of makeimg check/);
    assert.throws(() => parse('--directory'), /-C\/--directory needs a value \(DIR\)/);
    assert.throws(() => parse('--json=yes'), /--json takes no value/);
    assert.throws(() => parse('--json', '--progress=plain'), /contradict/);
  });

  it('refuses a second argument, saying what the argument means', () => {
    assert.throws(
      () => parse('a/', 'b/'),
      /^UsageError: makeimg build takes at most one argument, img_dir_base \(where images are written\); got 'a\/' 'b\/'/,
    );
    assert.deepEqual(parse('lint', 'a', 'b').positionals, ['a', 'b']);
  });

  it('keeps the original meaning of `makeimg build` when ./build exists and is the only argument', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'makeimg-compat-'));
    mkdirSync(path.join(dir, 'build'));
    mkdirSync(path.join(dir, 'check'));
    const p = parseCommandLine(['build'], VERBS, DEFAULT_VERB, dir);
    assert.deepEqual([p.verb.name, p.positionals], ['build', ['build']]);
    assert.match(p.compatNote ?? '', /existing directory \.\/build/);
    const c = parseCommandLine(['check'], VERBS, DEFAULT_VERB, dir);
    assert.deepEqual([c.verb.name, c.positionals], ['build', ['check']]);
    const v = parseCommandLine(['check', '-C', dir], VERBS, DEFAULT_VERB, '/');
    assert.deepEqual([v.verb.name, v.positionals], ['check', []], 'with another argument it is the verb');
    assert.equal(parse('check').verb.name, 'check', 'no such directory: the verb');
  });

  it('SOURCE_DATE_EPOCH from the option first, then the environment', () => {
    assert.equal(sourceDateEpoch(undefined, { SOURCE_DATE_EPOCH: '12' }), 12);
    assert.equal(sourceDateEpoch('34', { SOURCE_DATE_EPOCH: '12' }), 34);
    assert.throws(() => sourceDateEpoch(undefined, { SOURCE_DATE_EPOCH: 'yesterday' }), /SOURCE_DATE_EPOCH must be a number/);
  });

  it('knows inspect IMAGE and --strict (build, inspect)', () => {
    const a = parse('inspect', '--json', 'img/x.tar.zst');
    assert.deepEqual([a.verb.name, a.values.json, a.positionals, a.values.strict], ['inspect', true, ['img/x.tar.zst'], undefined]);
    assert.equal(parse('build', '--strict').values.strict, true);
  });

  it("hands fmt its own arguments (shfmt flags), with makeimg's options before the verb", () => {
    const f = parse('-C', '/p', 'fmt', '--check', '-i', '4', 'image.sh');
    assert.deepEqual([f.verb.name, f.values.directory, f.positionals], ['fmt', '/p', ['--check', '-i', '4', 'image.sh']]);
  });

  it('takes --no-cache, --cache-max-age and --cache-dir on build; cache list|clean with its options', () => {
    const a = parse('--no-cache', '--cache-max-age', '7d', '--cache-dir=/c');
    assert.deepEqual([a.verb.name, a.values['no-cache'], a.values['cache-max-age'], a.values['cache-dir']], ['build', true, '7d', '/c']);
    assert.deepEqual(parse('cache', 'list').positionals, ['list']);
    assert.deepEqual(cleanOptions(parse('cache', 'clean', '--all').values), { all: true });
    assert.deepEqual(cleanOptions(parse('cache', 'clean', '--older-than', '2d').values), { olderThanMs: 172_800_000 });
    assert.deepEqual(cleanOptions(parse('cache', 'clean', '--keep-size=1G').values), { keepBytes: 1024 ** 3 });
    assert.throws(() => durationOption('later', '--cache-max-age'), /duration/);
    assert.throws(() => parse('--all'), /--all is an option of makeimg cache, not of makeimg build/);
  });

  it('knows shell [--boot] [IMAGE] [-- COMMAND]', () => {
    const a = parse('shell', 'img/x.tar.zst', '--', 'cat', '/etc/os-release');
    assert.deepEqual(
      [a.verb.name, a.positionals, a.command, a.values.boot],
      ['shell', ['img/x.tar.zst'], ['cat', '/etc/os-release'], undefined],
    );
    assert.equal(parse('shell', '--boot').values.boot, true);
    assert.deepEqual(parse('shell').positionals, []);
    assert.deepEqual(parse('--', 'x').command, [], 'build takes no command: x is img_dir_base');
  });

  it('suggestions: close words only', () => {
    assert.equal(editDistance('chekc', 'check'), 1);
    assert.equal(suggest('biuld', ['build', 'check']), 'build');
    assert.equal(suggest('xyz', ['build', 'check']), undefined);
  });

  it('the verb table is consistent: options of the same name share a type, help lists every verb and option', () => {
    const seen = new Map<string, string>();
    for (const v of VERBS) {
      for (const [name, spec] of Object.entries(verbOptions(v))) {
        const key = `${spec.type}/${spec.short ?? ''}`;
        assert.equal(seen.get(name) ?? key, key, `option --${name} differs between verbs`);
        seen.set(name, key);
      }
      const usage = verbUsage(v);
      for (const name of Object.keys(verbOptions(v))) assert.match(usage, new RegExp(`--${name}\\b`));
      assert.match(mainUsage(VERBS), new RegExp(`^  ${v.name} `, 'm'));
    }
    const shorts = [...seen.values()].map((k) => k.split('/')[1]).filter(Boolean);
    assert.equal(new Set(shorts).size, shorts.length, 'short options are unique');
  });
});
