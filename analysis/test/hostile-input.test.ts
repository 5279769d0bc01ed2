/**
 * Issue 11 (language server items 12, 13, 16): input bash trips over or
 * tree-sitter-bash is slow on. Each case is the repro of the issue.
 */
import assert from 'node:assert/strict';
import { analyzeText, encodingFindings } from '../src/analysis';
import { DocumentTree, ParseBudgetExceeded, parseText } from '../src/parser';

const GOOD = 'img_name=x.tar\ndo_install() {\n    mkdir -p "$img_dir/etc"\n}\n';

describe('hostile input (analysis core)', () => {
  describe('NUL bytes (item 12)', () => {
    it('100 KB of NULs: parsed with spaces in their place (it took minutes), reported once as MKIMG016', async () => {
      const text = `${GOOD}${'\0'.repeat(100_000)}\n`;
      const { findings } = await analyzeText(text);
      assert.deepEqual(findings.map((f) => `${f.code}@${f.range.start.line + 1}:${f.range.start.character + 1}`), ['MKIMG016@5:1']);
      assert.match(findings[0].message, /contains 100,000 NUL bytes \(the first on line 5\): bash refuses/);
    });
    it('keeps offsets: what follows NULs on a line is where it is', async () => {
      const { facts } = await analyzeText(`img_name=x.tar\n\0\0 do_install() { echo "$img_dir"; }\n`);
      assert.deepEqual(facts.functions.map((f) => f.nameRange.start), [{ line: 1, character: 3 }]);
      assert.deepEqual(facts.references.map((r) => r.range.start), [{ line: 1, character: 25 }]);
    });
  });

  describe('parse time budget (items 12, 13)', () => {
    const nested = `${GOOD}f() {\n${'{ '.repeat(50_000)}true\n}\n`;
    it('a parse over its budget throws ParseBudgetExceeded and leaves the parser usable', async () => {
      await assert.rejects(parseText(nested, 1), ParseBudgetExceeded);
      const tree = await parseText(GOOD, 1000);
      assert.equal(tree.rootNode.hasError, false);
      tree.delete();
    });
    it('DocumentTree keeps its edits across a budget hit and parses once the text allows it', async () => {
      const doc = await DocumentTree.create(nested, 1);
      assert.throws(() => doc.tree, ParseBudgetExceeded);
      doc.applyEdits([{ start: GOOD.length, end: nested.length, newText: '' }]);
      assert.equal(doc.text, GOOD);
      assert.equal(doc.tree.rootNode.text, GOOD);
      doc.dispose();
    });
  });

  describe('CRLF line endings and a byte order mark (item 16)', () => {
    it('CRLF: one MKIMG014 with a fix that turns every CRLF into LF', async () => {
      const text = GOOD.replace(/\n/g, '\r\n');
      const { findings } = await analyzeText(text);
      assert.deepEqual(findings.map((f) => f.code), ['MKIMG014']);
      assert.match(findings[0].message, /Windows line endings \(4 lines end in CR LF\).*Convert the file to LF line endings\./);
      const data = findings[0].data;
      assert.ok(data?.kind === 'edits');
      assert.equal(data.edits.length, 4);
      assert.deepEqual(data.edits[0], { range: { start: { line: 0, character: 14 }, end: { line: 1, character: 0 } }, newText: '\n' });
    });
    it('BOM: one MKIMG015 with a fix that removes it', async () => {
      const { findings } = await analyzeText(`\ufeff${GOOD}`);
      assert.deepEqual(findings.map((f) => f.code), ['MKIMG015']);
      assert.deepEqual(findings[0].data, {
        kind: 'edits',
        title: 'Remove the byte order mark',
        edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, newText: '' }],
      });
    });
    it('encodingFindings (what the pipeline refuses) says the same as the rules, without parsing', async () => {
      for (const text of [GOOD.replace(/\n/g, '\r\n'), `\ufeff${GOOD}`, `${GOOD}\0`]) {
        assert.deepEqual(encodingFindings(text), (await analyzeText(text)).findings);
      }
      assert.deepEqual(encodingFindings(GOOD), []);
    });
  });
});
