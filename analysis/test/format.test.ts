/** The formatting engine: shfmt (wasm) output, option sources, minimal edits, syntax errors. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editorConfigFor } from '../src/format/editorconfig';
import { applyTextEdits } from '../../shared/test/support/text-edits';
import { formatOptionsFor, formatText } from '../src/format';
import { SHFMT_DEFAULTS } from '../src/format/shfmt';
import { diffLines, minimalEdits } from '../src/format/text-edits';

const MESSY = `img_name=demo.tar.gz
do_install()
{
if true; then
  echo  hi>"$img_dir/x"
fi
    case $1 in
  a) echo a;;
    esac
}
`;

describe('formatting engine (shfmt as wasm)', () => {
  it('formats with shfmt defaults: tabs, no case indent, no space after redirects', async () => {
    const r = await formatText(MESSY, SHFMT_DEFAULTS);
    assert.ok(r.ok);
    assert.equal(
      r.text,
      'img_name=demo.tar.gz\ndo_install() {\n\tif true; then\n\t\techo hi >"$img_dir/x"\n\tfi\n\tcase $1 in\n\ta) echo a ;;\n\tesac\n}\n',
    );
    assert.equal(applyTextEdits(MESSY, r.edits), r.text);
  });

  it('honours every option (indent, -bn, -ci, -sr, -fn, -s)', async () => {
    const r = await formatText('f() {\ncase x in\na) cat <a | \\\n  grep b;;\nesac\necho "$(echo $(($x+1)))" > y\n}\n', {
      indent: 2,
      binaryNextLine: true,
      switchCaseIndent: true,
      spaceRedirects: true,
      functionNextLine: true,
      simplify: true,
    });
    assert.ok(r.ok);
    assert.equal(r.text, 'f()\n{\n  case x in\n    a) cat < a \\\n      | grep b ;;\n  esac\n  echo "$(echo $((x + 1)))" > y\n}\n');
  });

  it('returns a clear message and no edits for a syntax error', async () => {
    const r = await formatText('do_install() {\n  echo "unclosed\n}\n', SHFMT_DEFAULTS);
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.equal(r.error.line, 1);
    assert.match(r.message, /^image\.sh was not formatted: it has a syntax error on line 2, column 8: reached EOF without closing quote/);
  });

  it('keeps CRLF line ends', async () => {
    const r = await formatText('f() {\r\necho  a\r\n}\r\n', SHFMT_DEFAULTS);
    assert.ok(r.ok);
    assert.equal(r.text, 'f() {\r\n\techo a\r\n}\r\n');
  });

  it('range formatting changes only the lines in the range', async () => {
    const text = 'a=1\nf() {\necho  1\necho  2\n}\nb=2\n';
    const r = await formatText(
      text,
      { ...SHFMT_DEFAULTS, indent: 4 },
      { start: { line: 3, character: 0 }, end: { line: 3, character: 3 } },
    );
    assert.ok(r.ok);
    assert.equal(applyTextEdits(text, r.edits), 'a=1\nf() {\necho  1\n    echo 2\n}\nb=2\n');
  });
});

describe('minimal edits', () => {
  it('re-indentation edits only the leading whitespace of each line', () => {
    const edits = minimalEdits('f() {\n  a\n  b\n}\n', 'f() {\n\ta\n\tb\n}\n');
    assert.deepEqual(edits, [
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 2 } }, newText: '\t' },
      { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 2 } }, newText: '\t' },
    ]);
  });

  it('leaves unchanged lines alone between changed ones', () => {
    const before = ['x', 'a', 'b', 'c', 'y', 'd', 'z'].join('\n');
    const after = ['x', 'a', 'B1', 'B2', 'c', 'd', 'z'].join('\n');
    assert.deepEqual(diffLines(before.split('\n'), after.split('\n')), [
      { oldStart: 2, oldEnd: 3, newStart: 2, newEnd: 4 },
      { oldStart: 4, oldEnd: 5, newStart: 5, newEnd: 5 },
    ]);
    assert.equal(applyTextEdits(before, minimalEdits(before, after)), after);
  });

  it('turns any text into any other (insertions, deletions, at both ends)', () => {
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let round = 0; round < 300; round++) {
      const lines = (count: number) => Array.from({ length: count }, () => ['a', 'b', 'c', '', '  d'][random(5)]);
      const before = lines(random(12)).join('\n');
      const after = lines(random(12)).join('\n');
      assert.equal(applyTextEdits(before, minimalEdits(before, after)), after, JSON.stringify({ before, after }));
    }
  });
});

describe('format options', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'makeimg-editorconfig-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the editor indentation and settings when no .editorconfig applies', () => {
    const options = formatOptionsFor(join(dir, 'image.sh'), { tabSize: 4, insertSpaces: true }, { switchCaseIndent: true });
    assert.deepEqual(options, { ...SHFMT_DEFAULTS, indent: 4, switchCaseIndent: true });
  });

  it('.editorconfig wins over the editor and the settings, nearer files and later sections last', () => {
    writeFileSync(
      join(dir, '.editorconfig'),
      'root = true\n[*]\nindent_style = space\nindent_size = 2\n[*.sh]\nbinary_next_line = true\nspace_redirects = false\n',
    );
    mkdirSync(join(dir, 'project'));
    writeFileSync(join(dir, 'project', '.editorconfig'), '[image.sh]\nswitch_case_indent = true\n[[bash]]\nfunction_next_line = true\n');
    const options = formatOptionsFor(
      join(dir, 'project', 'image.sh'),
      { tabSize: 8, insertSpaces: false },
      { spaceRedirects: true, simplify: true },
    );
    assert.deepEqual(options, {
      indent: 2,
      binaryNextLine: true,
      switchCaseIndent: true,
      spaceRedirects: false,
      functionNextLine: true,
      simplify: true,
    });
  });

  it('stops at root = true and ignores sections for other files', () => {
    writeFileSync(join(dir, '.editorconfig'), '[*]\nindent_style = space\n');
    mkdirSync(join(dir, 'p'));
    writeFileSync(join(dir, 'p', '.editorconfig'), 'root=true\n[*.{py,md}]\nindent_style = tab\n[lib/**.sh]\nindent_size=3\n');
    assert.deepEqual(editorConfigFor(join(dir, 'p', 'image.sh')), {});
    assert.deepEqual(editorConfigFor(join(dir, 'p', 'lib', 'x', 'y.sh')), { indent_size: '3' });
    assert.deepEqual(editorConfigFor(join(dir, 'p', 'README.md')), { indent_style: 'tab' });
  });

  it('indent_style = tab means tabs whatever the editor says; space without size is 8 as in shfmt', () => {
    writeFileSync(join(dir, '.editorconfig'), 'root=true\n[a/image.sh]\nindent_style = tab\n[b/image.sh]\nindent_style = space\n');
    assert.equal(formatOptionsFor(join(dir, 'a', 'image.sh'), { tabSize: 2, insertSpaces: true }).indent, 0);
    assert.equal(formatOptionsFor(join(dir, 'b', 'image.sh'), { tabSize: 2, insertSpaces: true }).indent, 8);
  });
});
