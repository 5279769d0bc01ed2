/** The command-line linter: output format, exit status, bad usage. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { formatFinding, lintText, runLint } from '../src/lint';

async function run(args: string[]): Promise<{ status: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (c: Buffer) => (outText += c.toString()));
  err.on('data', (c: Buffer) => (errText += c.toString()));
  const status = await runLint(args, out, err);
  return { status, out: outText, err: errText };
}

describe('makeimg lint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'makeimg-lint-'));
  const good = join(dir, 'good.sh');
  const warn = join(dir, 'warn.sh');
  const bad = join(dir, 'bad.sh');
  writeFileSync(good, 'img_name=a.tar.xz\ndo_install() { :; }\n');
  writeFileSync(warn, 'img_name=a.tar.xz\nimg_dir=/x\ndo_install() { :; }\n');
  writeFileSync(bad, 'img_name=a.tgz\ndo_install() { :; }\n');

  it('lintText gives 1-based positions', async () => {
    const [f] = await lintText('img_name=a.tgz\ndo_install() { :; }\n', 'x/image.sh');
    assert.deepEqual(
      { ...f, message: undefined },
      { file: 'x/image.sh', line: 1, column: 11, endLine: 1, endColumn: 15, severity: 'error', code: 'MKIMG002', message: undefined },
    );
    assert.match(formatFinding(f), /^x\/image\.sh:1:11: error MKIMG002 img_name "a\.tgz" ends in "\.tgz"/);
  });

  it('exits 0 for clean files and files with warnings only', async () => {
    assert.deepEqual(await run([good]), { status: 0, out: '', err: '' });
    const r = await run([good, warn]);
    assert.equal(r.status, 0);
    assert.equal(r.out, `${warn}:2:1: warning MKIMG010 makeimg sets $img_dir itself and overwrites this assignment. Use a variable of your own (e.g. my_img_dir).\n`);
    assert.equal(r.err, '0 errors, 1 warning\n');
  });

  it('exits 1 when any file has an error', async () => {
    const r = await run([good, bad]);
    assert.equal(r.status, 1);
    assert.match(r.out, /bad\.sh:1:11: error MKIMG002/);
  });

  it('reads standard input for "-" (standalone entry lint-main.ts)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'src', 'lint-main.ts'), '-'], {
      input: 'img_name=a.tar.xz\nimg_path=/x\ndo_install() { :; }\n',
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^<stdin>:2:1: warning MKIMG010 /);
  });

  it('exits 2 on an unreadable file (after linting the others), no files, or an unknown option', async () => {
    const r = await run([join(dir, 'missing.sh'), bad]);
    assert.equal(r.status, 2);
    assert.match(r.err, /cannot read .*missing\.sh: ENOENT/);
    assert.match(r.out, /MKIMG002/);
    assert.equal((await run([])).status, 2);
    assert.equal((await run(['--frobnicate', good])).status, 2);
    assert.equal((await run([dir])).status, 2, 'a directory is not a file');
  });
});
