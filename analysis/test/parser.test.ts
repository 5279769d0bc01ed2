/** Incremental parsing must give exactly the tree a full parse gives, in UTF-16 units. */
import assert from 'node:assert/strict';
import {
  DocumentTree,
  getParser,
  parseText,
  pointAt,
  rowStarts,
  treeDifference,
  type IncrementalDifference,
  type Tree,
} from '../src/parser';

/** Every node with its type and both index and row/column ranges (toString() has no positions). */
function dump(tree: Tree): string {
  const lines: string[] = [];
  const cursor = tree.walk();
  for (let depth = 0; ;) {
    const s = cursor.startPosition;
    const e = cursor.endPosition;
    lines.push(`${depth} ${cursor.nodeType} ${cursor.startIndex}-${cursor.endIndex} ${s.row}:${s.column}-${e.row}:${e.column}`);
    if (cursor.gotoFirstChild()) {
      depth++;
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return lines.join('\n');
      }
      depth--;
    }
  }
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START = [
  '# Ünïcödé comment 🚀 with emoji',
  'img_name="bäse-€.tar.zst"',
  'preinstall_files_src=(pacman.conf "mirror list" 日本語.conf)',
  'preinstall_files_dst=(etc/pacman.conf etc/mirrorlist etc/日本語.conf)',
  'do_install() {',
  '    pacstrap -c "$img_dir" base 🙂',
  '    for f in a b; do echo "${f}→$f"; done',
  '}',
  '',
].join('\n');

const PIECES = [
  'x',
  ' ',
  '\n',
  '"',
  "'",
  '{',
  '}',
  '(',
  ')',
  '$',
  'ä',
  '🚀',
  '日本',
  'do_install() {\n',
  'fi\n',
  '\r\n',
  '${img_dir}',
  '# c\n',
];

describe('parser', () => {
  it('incremental reparse equals a full parse after 300 random edits (non-ASCII, surrogate pairs, CRLF)', async () => {
    const next = random(42);
    const doc = await DocumentTree.create(START);
    let text = START;
    for (let i = 0; i < 300; i++) {
      // Keep surrogate pairs whole, as an editor does.
      const clampToCharBoundary = (offset: number) =>
        offset > 0 && offset < text.length && /[\udc00-\udfff]/.test(text[offset]) ? offset - 1 : offset;
      const start = clampToCharBoundary(Math.floor(next() * (text.length + 1)));
      const end = clampToCharBoundary(Math.min(text.length, start + Math.floor(next() * 6)));
      const newText = next() < 0.3 ? '' : PIECES[Math.floor(next() * PIECES.length)];
      text = text.slice(0, start) + newText + text.slice(end);
      doc.applyEdits([{ start, end, newText }]);
      if (i % 10 === 0 || i === 299) {
        const full = await parseText(text);
        try {
          assert.equal(doc.text, text);
          assert.equal(dump(doc.tree), dump(full), `tree differs after edit ${i}`);
          assert.equal(doc.tree.rootNode.endIndex, text.length);
        } finally {
          full.delete();
        }
      }
    }
    doc.dispose();
  });

  it('a text whose errors lie away from the edits is not parsed afresh on each edit, and still equals a fresh parse', async () => {
    // Like git's bash completion: one zsh line tree-sitter cannot read, and edits elsewhere.
    const text0 = 'a=1\nunset ${(M)x}\nf() {\n  echo hi\n}\ng() {\n  echo ${(k)y}\n}\nb=2\n';
    const doc = await DocumentTree.create(text0);
    let text = text0;
    const edit = async (start: number, end: number, newText: string) => {
      text = text.slice(0, start) + newText + text.slice(end);
      doc.applyEdits([{ start, end, newText }]);
      const fresh = await parseText(text);
      try {
        assert.equal(dump(doc.tree), dump(fresh), `after ${JSON.stringify(newText)} at ${start}`);
      } finally {
        fresh.delete();
      }
    };
    assert.ok(doc.tree.rootNode.hasError);
    await edit(text.indexOf('hi') + 2, text.indexOf('hi') + 2, 'x'); // inside f, away from both errors
    await edit(1, 2, '=42'); // a=42
    assert.equal(doc.freshReparses, 0);
    await edit(text.indexOf('(M)') + 1, text.indexOf('(M)') + 2, 'N'); // inside an erroneous statement
    assert.equal(doc.freshReparses, 1);
    await edit(text.indexOf('b=2'), text.indexOf('b=2'), 'echo "${\n'); // a new error
    assert.equal(doc.freshReparses, 2);
    doc.dispose();
  });

  it('random edits of a text with errors: the tree always equals a fresh parse', async () => {
    const next = random(7);
    const start0 =
      'a=1\nunset ${(M)x}\nf() {\n  echo hi\n}\nif true; then\n  echo ${(k)y}\nfi\ncase $x in\n  a) echo a ;;\nesac\nb=${x:-y}\n';
    const pieces = ['x', ' ', '\n', '"', '{', '}', '(', ')', '$', 'fi', ';', '`', '${', '#', 'if true; then', 'esac'];
    let doc = await DocumentTree.create(start0);
    let text = start0;
    for (let i = 0; i < 600; i++) {
      if (i % 8 === 0) {
        doc.dispose();
        doc = await DocumentTree.create((text = start0));
        void doc.tree;
      }
      const start = Math.floor(next() * (text.length + 1));
      const end = Math.min(text.length, start + (next() < 0.3 ? Math.floor(next() * 4) : 0));
      const newText = next() < 0.3 ? '' : pieces[Math.floor(next() * pieces.length)];
      text = text.slice(0, start) + newText + text.slice(end);
      doc.applyEdits([{ start, end, newText }]);
      const fresh = await parseText(text);
      try {
        assert.equal(dump(doc.tree), dump(fresh), `tree differs after edit ${i}: ${JSON.stringify(text)}`);
      } finally {
        fresh.delete();
      }
    }
    doc.dispose();
  });

  it('debug runs compare sampled incremental reparses with a fresh parse and report a difference (issue 11 item 18)', async () => {
    const differences: IncrementalDifference[] = [];
    const doc = new DocumentTree(await getParser(), 'echo a\n', undefined, { every: 1, onDifference: (d) => differences.push(d) });
    void doc.tree;
    doc.applyEdits([{ start: 6, end: 6, newText: ' b c' }]);
    void doc.tree;
    assert.equal(differences.length, 0, 'a correct incremental reparse equals a fresh one');
    // A text change the tree was not told of: the incremental parse keeps the old structure (three
    // arguments), the fresh one sees a pipeline; the check reports it.
    (doc as unknown as { currentText: string }).currentText = 'echo a|b c\n';
    doc.applyEdits([{ start: 11, end: 11, newText: '' }]);
    void doc.tree;
    assert.equal(differences.length, 1);
    assert.equal(differences[0].textLength, 'echo a|b c\n'.length);
    assert.match(differences[0].fresh, /pipeline/);
    assert.doesNotMatch(differences[0].incremental, /pipeline/);
    doc.dispose();

    const [x, y] = [await parseText('a=1\n'), await parseText('a=1\nb=2\n')];
    assert.equal(treeDifference(x, x), undefined);
    assert.ok(treeDifference(x, y)!.at > 0);
    x.delete();
    y.delete();
  });

  it('several edits applied in order before one reparse', async () => {
    const doc = await DocumentTree.create('a=1\nb=2\n');
    doc.applyEdits([
      { start: 2, end: 3, newText: '"ü"' },
      { start: 10, end: 10, newText: 'c=(1 2)\n' },
    ]);
    assert.equal(doc.text, 'a="ü"\nb=2\nc=(1 2)\n');
    const full = await parseText(doc.text);
    assert.equal(dump(doc.tree), dump(full));
    full.delete();
    doc.dispose();
  });

  it('node positions are UTF-16 code units, like LSP positions', async () => {
    const tree = await parseText('x="🚀ä"; y=1\n');
    const y = tree.rootNode.child(2);
    assert.equal(y?.text, 'y=1');
    assert.deepEqual(y?.startPosition, { row: 0, column: 9 }); // 🚀 is 2 units, ä is 1
    tree.delete();
  });

  it('one parser per process', async () => {
    assert.equal(await getParser(), await getParser());
  });

  it('rowStarts/pointAt count rows by "\\n" only', () => {
    const starts = rowStarts('ab\ncd\r\nef\rgh');
    assert.deepEqual(starts, [0, 3, 7]);
    assert.deepEqual(pointAt(starts, 8), { row: 2, column: 1 });
  });
});
