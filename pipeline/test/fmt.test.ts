/** `makeimg fmt`: the language server's formatting engine on the command line (the real CLI, as CI runs it). */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO, runMakeimg } from './support/run-makeimg';

const MESSY = 'img_name=x.tar\ndo_install()\n{\n  echo  hi>"$img_dir/x"\n}\n';
const TABS = 'img_name=x.tar\ndo_install() {\n\techo hi >"$img_dir/x"\n}\n';

describe('makeimg fmt', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'makeimg-fmt-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('prints the formatted text (shfmt defaults: tabs) and changes nothing', async () => {
    const f = file('image.sh', MESSY);
    const r = await runMakeimg(['fmt', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, TABS);
    assert.equal(readFileSync(f, 'utf8'), MESSY);
  });

  it('--check lists the files that would change and exits 1; 0 when all are formatted', async () => {
    const messy = file('a.sh', MESSY);
    const clean = file('b.sh', TABS);
    const r = await runMakeimg(['fmt', '--check', messy, clean]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, `${messy}\n`);
    const ok = await runMakeimg(['fmt', '--check', clean]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(readFileSync(messy, 'utf8'), MESSY);
  });

  it('-w rewrites in place keeping the mode, follows .editorconfig, and leaves no temporary file', async () => {
    writeFileSync(
      path.join(dir, '.editorconfig'),
      'root = true\n[image.sh]\nindent_style = space\nindent_size = 4\nspace_redirects = true\n',
    );
    const f = file('image.sh', MESSY);
    chmodSync(f, 0o750);
    const r = await runMakeimg(['fmt', '-w', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(f, 'utf8'), 'img_name=x.tar\ndo_install() {\n    echo hi > "$img_dir/x"\n}\n');
    assert.equal(statSync(f).mode & 0o7777, 0o750);
    assert.deepEqual(readdirSync(dir).sort(), ['.editorconfig', 'image.sh']);
  });

  it('flags replace the .editorconfig as in shfmt (-i 2 -ci)', async () => {
    writeFileSync(path.join(dir, '.editorconfig'), 'root = true\n[*]\nindent_style = tab\nspace_redirects = true\n');
    const f = file('image.sh', 'f() {\ncase $1 in\na) echo>x;;\nesac\n}\n');
    const r = await runMakeimg(['fmt', '-i', '2', '-ci', f]);
    assert.equal(r.stdout, 'f() {\n  case $1 in\n    a) echo >x ;;\n  esac\n}\n');
  });

  it('never writes a file with a syntax error: a clear message with the position, exit 1', async () => {
    const broken = 'do_install() {\n  echo "unclosed\n}\n';
    const f = file('image.sh', broken);
    const r = await runMakeimg(['fmt', '-w', f]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`^${f}:2:8: error: ${f} was not formatted: it has a syntax error on line 2, column 8: reached EOF without closing quote`),
    );
    assert.equal(readFileSync(f, 'utf8'), broken);
  });

  it('reads standard input for "-"; bad usage and unreadable files exit 2', async () => {
    const bundled = path.join(REPO, 'dist', 'makeimg.js');
    // The bundle finds shfmt's wasm beside itself (dist/sh-syntax.wasm), as in the VSIX.
    const { stdout } = await promisify(execFile)('sh', ['-c', `printf 'f(){\\necho  a\\n}\\n' | ${process.execPath} ${bundled} fmt -`]);
    assert.equal(stdout, 'f() {\n\techo a\n}\n');
    assert.equal((await runMakeimg(['fmt'])).code, 2);
    assert.equal((await runMakeimg(['fmt', '--frobnicate', 'x'])).code, 2);
    const missing = await runMakeimg(['fmt', path.join(dir, 'nope.sh')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.sh: ENOENT/);
  });
});
