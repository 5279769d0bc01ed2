/** Every bundled example image.sh lints without errors. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintText, formatFinding } from '../src/lint';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const projects = readdirSync(EXAMPLES).filter((name) => existsSync(join(EXAMPLES, name, 'image.sh')));

describe('examples/*/image.sh', () => {
  it('there are examples for every bootstrap tool', () => {
    assert.ok(projects.length >= 6, `found ${projects.join(', ')}`);
  });

  for (const project of projects) {
    it(`${project} has no errors or warnings`, async () => {
      const file = join(EXAMPLES, project, 'image.sh');
      const findings = await lintText(readFileSync(file, 'utf8'), file);
      assert.deepEqual(findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map(formatFinding), []);
    });
  }
});
