/**
 * `makeimg lint` through the real CLI: formats, defaults, exit codes
 * (parity with the language server: server/test/lint-parity.test.ts).
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EXIT } from '../../shared/events';
import { runMakeimg as run, type MakeimgOptions } from './support/run-makeimg';

/** The bundle: these tests start makeimg often. */
const runMakeimg = (args: string[], opts: MakeimgOptions = {}) => run(args, { ...opts, bundled: true });

const WARN = 'img_name=a.tar.xz\nimg_dir=/x\ndo_install() { :; }\n';
const BAD = 'img_name=a.tgz\ndo_install() { :; }\n';

describe('makeimg lint (CLI)', function () {
  // Several makeimg processes per test; a loaded 2-core machine needs time to start each.
  this.timeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'makeimg-lint-cli-'));
  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const warn = file('warn.sh', WARN);
  const bad = file('bad.sh', BAD);

  it('text (default), gcc and json formats', async () => {
    const text = await runMakeimg(['lint', '--no-shellcheck', warn]);
    assert.equal(text.code, EXIT.OK, text.stderr);
    assert.equal(
      text.stdout,
      `${warn}:2:1: warning MKIMG010 makeimg sets $img_dir itself and overwrites this assignment. Use a variable of your own (e.g. my_img_dir).\n`,
    );
    assert.equal(text.stderr, '0 errors, 1 warning\n');
    const gcc = await runMakeimg(['lint', '--format', 'gcc', bad]);
    assert.equal(gcc.code, EXIT.BUILD_FAILED);
    assert.match(gcc.stdout, /^.*bad\.sh:1:11: error: img_name "a\.tgz" .*\[MKIMG002\]$/m);
    const json = await runMakeimg(['lint', '--no-shellcheck', '--format=json', warn, bad]);
    assert.equal(json.code, EXIT.BUILD_FAILED);
    assert.equal(json.stderr, '');
    const parsed = JSON.parse(json.stdout) as unknown[];
    assert.deepEqual(parsed[0], {
      file: warn,
      range: { start: { line: 2, column: 1 }, end: { line: 2, column: 8 } },
      severity: 'warning',
      code: 'MKIMG010',
      message: 'makeimg sets $img_dir itself and overwrites this assignment. Use a variable of your own (e.g. my_img_dir).',
    });
    assert.equal(parsed.length, 2);
  });

  it('--max-warnings N fails with more than N warnings', async () => {
    const two = file('two.sh', `${WARN}unused=1\n`);
    assert.equal((await runMakeimg(['lint', '--max-warnings', '2', two])).code, EXIT.OK, 'MKIMG010 and SC2034 on unused');
    const r = await runMakeimg(['lint', '--max-warnings=1', two]);
    assert.equal(r.code, EXIT.BUILD_FAILED);
    assert.match(r.stderr, /0 errors, 2 warnings \(more than --max-warnings 1\)/);
    assert.equal((await runMakeimg(['lint', '--max-warnings', 'many', two])).code, EXIT.INVALID);
  });

  it('defaults to ./image.sh (of --directory); a directory means its image.sh; a missing file is a sentence', async () => {
    const project = mkdtempSync(path.join(tmpdir(), 'makeimg-lint-dir-'));
    writeFileSync(path.join(project, 'image.sh'), BAD);
    const r = await runMakeimg(['lint'], { cwd: project });
    assert.equal(r.code, EXIT.BUILD_FAILED);
    assert.match(r.stdout, /^.*image\.sh:1:11: error MKIMG002/);
    assert.equal((await runMakeimg(['lint', '-C', project])).code, EXIT.BUILD_FAILED);
    assert.equal((await runMakeimg(['lint', project])).code, EXIT.BUILD_FAILED);
    const empty = mkdtempSync(path.join(tmpdir(), 'makeimg-lint-empty-'));
    const missing = await runMakeimg(['lint'], { cwd: empty });
    assert.equal(missing.code, EXIT.INVALID);
    assert.equal(
      missing.stderr,
      `makeimg lint: ${path.join(empty, 'image.sh')} does not exist (give the file: makeimg lint path/to/image.sh)\n`,
    );
    assert.doesNotMatch(missing.stderr, /ENOENT/);
    const named = await runMakeimg(['lint', path.join(empty, 'x.sh'), bad]);
    assert.equal(named.code, EXIT.INVALID, 'an unreadable file is exit 2, after linting the others');
    assert.match(named.stdout, /MKIMG002/);
  });

  it('usage mistakes are one line and exit 2', async () => {
    const r = await runMakeimg(['lint', '--frobnicate', warn]);
    assert.equal(r.code, EXIT.INVALID);
    assert.equal(r.stderr, 'makeimg: unknown option --frobnicate (see makeimg help lint)\n');
    assert.equal((await runMakeimg(['lint', '--format', 'xml', warn])).code, EXIT.INVALID);
  });
});
