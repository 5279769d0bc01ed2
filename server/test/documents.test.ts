/** Open documents: LSP changes applied to text, tree and facts; positions with lone CRs; the size limit. */
import assert from 'node:assert/strict';
import { DocumentStore, MAX_ANALYZED_CHARS } from '../src/documents';
import { getParser } from '../../analysis/src/parser';

describe('documents', () => {
  let store: DocumentStore;
  before(async () => {
    const parser = await getParser();
    store = new DocumentStore(() => parser);
  });

  it('applies incremental and full changes; facts follow the version', () => {
    const doc = store.open('file:///d/a.sh', 'makeimg', 1, 'img_name=a.tar\n');
    assert.equal(doc.facts()?.assignments[0].value?.value, 'a.tar');
    doc.applyChanges([{ range: { start: { line: 0, character: 14 }, end: { line: 0, character: 14 } }, text: '.gz' }], 2);
    assert.equal(doc.version, 2);
    assert.equal(doc.facts()?.assignments[0].value?.value, 'a.tar.gz');
    doc.applyChanges([{ text: 'x=1\ny=2\n' }], 3);
    assert.deepEqual(
      doc.facts()?.assignments.map((a) => a.name),
      ['x', 'y'],
    );
    store.close('file:///d/a.sh');
    assert.equal(store.get('file:///d/a.sh'), undefined);
  });

  it('converts fact positions to LSP positions when the text has a lone CR', () => {
    const doc = store.open('file:///d/cr.sh', 'makeimg', 1, 'a=1\rimg_dir=/x\n');
    const assignment = doc.facts()?.assignments.find((a) => a.name === 'img_dir');
    assert.ok(assignment);
    // tree-sitter sees one line; LSP sees two: the facts of an open document are in LSP coordinates.
    assert.deepEqual(assignment.nameRange, { start: { line: 1, character: 0 }, end: { line: 1, character: 7 } });
    assert.equal(doc.facts()?.lineCount, 3);
    store.close('file:///d/cr.sh');
  });

  it('reads LSP lines (CR of CRLF dropped), also after an edit and with a lone CR', () => {
    const doc = store.open('file:///d/lines.sh', 'makeimg', 1, 'a=1\r\nb=2\nc=3');
    assert.deepEqual(
      [-1, 0, 1, 2, 3].map((l) => doc.lineText(l)),
      ['', 'a=1', 'b=2', 'c=3', ''],
    );
    doc.applyChanges([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'x\ry' }], 2);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((l) => doc.lineText(l)),
      ['a=1', 'x', 'yb=2', 'c=3', ''],
    );
    store.close('file:///d/lines.sh');
  });

  it('does not parse documents over the size limit, and parses them again once they shrink', () => {
    const doc = store.open('file:///d/big.sh', 'makeimg', 1, 'x=1\n' + '#'.repeat(MAX_ANALYZED_CHARS));
    assert.equal(doc.tooLarge, true);
    assert.equal(doc.facts(), undefined);
    doc.applyChanges([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: MAX_ANALYZED_CHARS } }, text: '' }], 2);
    assert.equal(doc.tooLarge, false);
    assert.deepEqual(
      doc.facts()?.assignments.map((a) => a.name),
      ['x'],
    );
    store.close('file:///d/big.sh');
  });
});
