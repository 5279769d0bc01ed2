/** The rule documentation is generated from the rule objects and committed up to date. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generatedRuleDocs, RULE_DOCS_DIRECTORY } from '../src/rules/docs';
import { RULES } from '../src/rules';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('rule documentation', () => {
  it('is generated from the rule objects and committed up to date (scripts/gen-rule-docs)', () => {
    for (const [path, content] of generatedRuleDocs(read)) {
      assert.equal(read(path), content, `${path} is stale: run scripts/gen-rule-docs`);
    }
  });

  it('has a page for every rule and none for a rule that does not exist', () => {
    const pages = readdirSync(join(ROOT, RULE_DOCS_DIRECTORY))
      .filter((f) => f !== 'README.md')
      .sort();
    assert.deepEqual(pages, RULES.map((r) => `${r.code}.md`).sort());
  });

  it('every rule says what it catches, why it matters, how to fix it, with an example', () => {
    for (const rule of RULES) {
      const { summary, why, howToFix, example } = rule.docs;
      for (const [what, text] of Object.entries({ summary, why, howToFix, bad: example.bad, good: example.good })) {
        assert.ok(text.trim().length > 0, `${rule.code}: empty ${what}`);
      }
      assert.notEqual(example.bad, example.good, `${rule.code}: the example is not fixed`);
    }
  });
});
