/** The `$makeimg` problem matcher (package.json) against what makeimg really prints. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

describe('$makeimg problem matcher', () => {
  it('$makeimg matches what makeimg prints: build errors (location first) and makeimg lint in text and gcc formats', async () => {
    const matcher = pkg.contributes.problemMatchers.find((m: { name: string }) => m.name === 'makeimg');
    const re = new RegExp(matcher.pattern.regexp);
    const { lintText, formatFinding, formatGcc } = await import('../../analysis/src/lint');
    const [finding] = await lintText('img_name=a.tgz\ndo_install() { :; }\n', 'p/image.sh');
    const rendered: string[] = [];
    const { BuildTextRenderer } = await import('../../shared/build-text');
    new BuildTextRenderer({ write: (t) => void rendered.push(t) }, { colour: false, live: false, cwd: '/p' }).event({
      type: 'error',
      message: 'do_install failed (exit 1)',
      file: '/p/image.sh',
      line: 9,
    });
    const cases: [string, string[]][] = [
      [rendered.join('').trimEnd(), ['image.sh', '9', '', 'error', '', 'do_install failed (exit 1)']],
      [formatFinding(finding!), ['p/image.sh', '1', '11', 'error', 'MKIMG002', finding!.message]],
      [formatGcc(finding!), ['p/image.sh', '1', '11', 'error', '', `${finding!.message} [MKIMG002]`]],
    ];
    for (const [line, [file, l, col, severity, code, message]] of cases) {
      const m = re.exec(line);
      assert.ok(m, line);
      const g = (i: number) => m[i] ?? '';
      assert.deepEqual(
        [
          g(matcher.pattern.file),
          g(matcher.pattern.line),
          g(matcher.pattern.column),
          g(matcher.pattern.severity),
          g(matcher.pattern.code),
          g(matcher.pattern.message),
        ],
        [file, l, col, severity, code, message],
        line,
      );
    }
    assert.equal(re.exec('    I: Retrieving InRelease'), null, 'hook output is not a problem');
  });
});
