/**
 * json1 -> LSP conversion on real shellcheck output: exact ranges with tabs,
 * multi-byte and astral characters before a finding, CRLF line ends, and
 * shellcheck's fixes applied as TextEdits.
 */
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Range } from 'vscode-languageserver';
import { runShellcheck } from '../../analysis/src/shellcheck/runner';
import { shellcheckFixOf, toDiagnostics } from '../src/shellcheck/convert';
import { PositionMapper } from '../../analysis/src/shellcheck/positions';
import { shellcheckCodeActions } from '../src/shellcheck/code-actions';

async function check(text: string): Promise<Diagnostic[]> {
  const outcome = await runShellcheck(text, { executable: 'shellcheck', timeoutMs: 10_000 });
  assert.equal(outcome.kind, 'ok', JSON.stringify(outcome));
  return outcome.kind === 'ok' ? toDiagnostics(outcome.comments, text) : [];
}

function textAt(text: string, range: Range): string {
  const doc = TextDocument.create('file:///x/image.sh', 'makeimg', 1, text);
  return doc.getText(range);
}

/** "SC2154 6:13-6:27 $undefined_var" for compact exact comparisons. */
function summarize(d: Diagnostic, text: string): string {
  const r = d.range;
  return `${String(d.code)} ${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${textAt(text, r)}`;
}

// Line 6 has a tab, a 2-byte (é), a 3-byte (€) and a 4-byte/astral (😀, two
// UTF-16 units) character before the finding; lines 5-7 are tab-indented.
const SAMPLE = [
  'img_name=demo.tar.gz',
  'preinstall_files_src=(a.conf)',
  'preinstall_files_dst=(etc/a.conf)',
  'unused_thing=1',
  'do_install() {',
  '\tmkdir -p "$img_dir"/etc',
  '\techo "é€😀" $undefined_var',
  '\t\tcp $src_dir/x "$img_dir"',
  '}',
  '',
].join('\n');

describe('shellcheck: json1 to LSP diagnostics (real shellcheck)', () => {
  it('maps every finding to its exact UTF-16 range', async () => {
    const diagnostics = await check(SAMPLE);
    const found = diagnostics.map((d) => summarize(d, SAMPLE)).sort();
    assert.deepEqual(found, [
      'SC2034 0:0-0:8 img_name',
      'SC2034 1:0-1:20 preinstall_files_src',
      'SC2034 2:0-2:20 preinstall_files_dst',
      'SC2034 3:0-3:12 unused_thing',
      'SC2086 6:13-6:27 $undefined_var',
      'SC2086 7:5-7:13 $src_dir',
      'SC2154 5:11-5:19 $img_dir',
      'SC2154 6:13-6:27 $undefined_var',
      'SC2154 7:5-7:13 $src_dir',
    ]);
  });

  it('fills code, link, source, severity, tags and the fix', async () => {
    const diagnostics = await check(SAMPLE);
    const quote = diagnostics.find((d) => d.code === 'SC2086' && d.range.start.line === 6);
    assert.ok(quote);
    assert.equal(quote.source, 'shellcheck');
    assert.equal(quote.severity, DiagnosticSeverity.Information);
    assert.deepEqual(quote.codeDescription, { href: 'https://www.shellcheck.net/wiki/SC2086' });
    assert.deepEqual(shellcheckFixOf(quote), [
      { range: { start: { line: 6, character: 13 }, end: { line: 6, character: 13 } }, newText: '"' },
      { range: { start: { line: 6, character: 27 }, end: { line: 6, character: 27 } }, newText: '"' },
    ]);
    const unused = diagnostics.find((d) => d.code === 'SC2034' && d.range.start.line === 3);
    assert.ok(unused);
    assert.equal(unused.severity, DiagnosticSeverity.Warning);
    assert.deepEqual(unused.tags, [DiagnosticTag.Unnecessary]);
    assert.equal(shellcheckFixOf(unused), undefined);
  });

  it("applies shellcheck's fix as a quick fix; re-checking finds nothing there", async () => {
    const diagnostics = await check(SAMPLE);
    const quote = diagnostics.find((d) => d.code === 'SC2086' && d.range.start.line === 6);
    assert.ok(quote);
    const actions = shellcheckCodeActions('file:///x/image.sh', [quote]);
    assert.equal(actions.length, 1);
    assert.equal(actions[0].title, "Apply ShellCheck's fix for SC2086");
    const edits = actions[0].edit?.changes?.['file:///x/image.sh'];
    assert.ok(edits);
    const fixed = TextDocument.applyEdits(TextDocument.create('file:///x/image.sh', 'makeimg', 1, SAMPLE), edits);
    assert.equal(fixed.split('\n')[6], '\techo "é€😀" "$undefined_var"');
    const after = await check(fixed);
    assert.deepEqual(
      after.filter((d) => d.range.start.line === 6).map((d) => d.code),
      ['SC2154'],
    );
  });

  it('keeps ranges on CRLF text; a finding on the \\r lands at the end of its line', async () => {
    const crlf = SAMPLE.replace(/\n/g, '\r\n');
    const diagnostics = await check(crlf);
    const undefinedVar = diagnostics.find((d) => d.code === 'SC2154' && (d.message as string).startsWith('undefined_var'));
    assert.ok(undefinedVar);
    assert.equal(summarize(undefinedVar, crlf), 'SC2154 6:13-6:27 $undefined_var');
    // shellcheck reports each \r as SC1017; LSP has no character there, so it is clamped to the line end.
    const carriageReturn = diagnostics.find((d) => d.code === 'SC1017' && d.range.start.line === 0);
    assert.ok(carriageReturn);
    assert.deepEqual(carriageReturn.range.start, { line: 0, character: 'img_name=demo.tar.gz'.length });
  });

  it('ignores findings shellcheck reports for other (sourced) files', () => {
    const comment = {
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 2,
      level: 'warning' as const,
      code: 2034,
      message: 'x appears unused.',
      fix: null,
    };
    const diagnostics = toDiagnostics(
      [
        { ...comment, file: './lib.sh' },
        { ...comment, file: '-' },
      ],
      'x=1\n',
    );
    assert.equal(diagnostics.length, 1);
  });
});

describe('shellcheck: position mapping', () => {
  it('counts code points per \\n-line and returns UTF-16 positions per LSP line', () => {
    const text = 'a😀b\n\tc';
    const map = new PositionMapper(text);
    assert.deepEqual(map.toPosition(1, 3), { line: 0, character: 3 }); // b: after the surrogate pair
    assert.deepEqual(map.toPosition(2, 2), { line: 1, character: 1 }); // c: after the tab
  });
  it('treats a lone \\r as a line break for LSP but not for shellcheck', () => {
    const map = new PositionMapper('ab\rcd\nef');
    assert.deepEqual(map.toPosition(1, 5), { line: 1, character: 1 }); // d
    assert.deepEqual(map.toPosition(2, 2), { line: 2, character: 1 }); // f
  });
  it('clamps positions past a line or past the text', () => {
    const map = new PositionMapper('ab\ncd');
    assert.deepEqual(map.toPosition(1, 99), { line: 0, character: 2 });
    assert.deepEqual(map.toPosition(9, 1), { line: 1, character: 2 });
  });
});
