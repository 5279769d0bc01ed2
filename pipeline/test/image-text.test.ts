/**
 * Issue 11 item 16: an image.sh that bash misreads before running any of it
 * (Windows line endings, a UTF-8 byte order mark, NUL bytes) is refused at
 * resolve, exit 2, in the words of the editor's diagnostics, and nothing is
 * created.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { encodingFindings } from '../../analysis/src/analysis';
import { EXIT } from '../../shared/events';
import { project, Scratch } from './support/projects';
import { runMakeimg } from './support/run-makeimg';

const GOOD = 'img_name=text.tar\ndo_install() {\n    mkdir -p "$img_dir/etc"\n}\n';

describe('makeimg refuses an image.sh bash would misread (resolve)', function () {
  this.timeout(60_000);
  const scratch = Scratch.forRootSuite();

  const cases: [string, string, string][] = [
    ['CRLF line endings', GOOD.replace(/\n/g, '\r\n'), 'MKIMG014'],
    ['a UTF-8 byte order mark', `\ufeff${GOOD}`, 'MKIMG015'],
    ['NUL bytes', `${GOOD}\0\0\n`, 'MKIMG016'],
  ];
  for (const [what, text, code] of cases) {
    it(`${what}: exit 2 with the editor's message (${code}), nothing created`, async () => {
      const src = await project(scratch, text);
      const base = path.join(await scratch.dir('out'), 'images');
      const r = await runMakeimg(['--json', '--directory', src, base]);
      assert.equal(r.code, EXIT.INVALID, r.stdout + r.stderr);
      const error = r.events.find((e) => e.type === 'error');
      const [finding] = encodingFindings(text);
      assert.equal(finding?.code, code);
      assert.ok(error && error.type === 'error' && error.message.includes(finding.message), JSON.stringify(error));
      assert.equal(existsSync(base), false, 'nothing created');
    });
  }

  it('the same text with LF line endings is accepted by that check', () => {
    assert.deepEqual(encodingFindings(GOOD), []);
  });
});
