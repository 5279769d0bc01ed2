/** The linter's core: 1-based findings, ShellCheck with makeimg's suppressions, the output formats. */
import assert from 'node:assert/strict';
import { findingJson, formatFinding, formatGcc, lintText } from '../src/lint';

describe('lint core', () => {
  it('lintText gives 1-based positions', async () => {
    const [f] = await lintText('img_name=a.tgz\ndo_install() { :; }\n', 'x/image.sh');
    assert.deepEqual(
      { ...f, message: undefined },
      { file: 'x/image.sh', line: 1, column: 11, endLine: 1, endColumn: 15, severity: 'error', code: 'MKIMG002', message: undefined },
    );
    assert.match(formatFinding(f!), /^x\/image\.sh:1:11: error MKIMG002 img_name "a\.tgz" ends in "\.tgz"/);
    assert.match(formatGcc(f!), /^x\/image\.sh:1:11: error: img_name "a\.tgz" .* \[MKIMG002\]$/);
    assert.deepEqual(Object.keys(findingJson(f!)), ['file', 'range', 'severity', 'code', 'message']);
  });

  it('adds ShellCheck findings, without the ones makeimg makes wrong (SC2034 on img_name, SC2154 on $img_dir)', async () => {
    const text = 'img_name=a.tar\ndo_install() {\n    cp $1 "$img_dir/"\n}\n';
    const findings = await lintText(text, 'image.sh', { shellcheck: 'shellcheck' });
    assert.deepEqual(
      findings.map((f) => `${f.line}:${f.column} ${f.code}`),
      ['3:8 SC2086'],
    );
    const notes: string[] = [];
    const without = await lintText(text, 'image.sh', { shellcheck: '/nonexistent/shellcheck', notes });
    assert.deepEqual(without, []);
    assert.match(notes[0]!, /ShellCheck is not installed/);
  });

  it('gives one verdict for assigning a variable makeimg provides: MKIMG010, not also SC2034', async () => {
    const findings = await lintText('img_name=a.tar\nimg_dir=/x\ndo_install() { :; }\n', 'image.sh', {
      shellcheck: 'shellcheck',
    });
    assert.deepEqual(
      findings.map((f) => `${f.line}:${f.column} ${f.code}`),
      ['2:1 MKIMG010'],
    );
  });
});
