/** The facts model: what is extracted, and what is marked unknown. */
import assert from 'node:assert/strict';
import { analyzeText } from '../src/analysis';
import {
  callChain,
  callGraph,
  callParents,
  chainText,
  extractFacts,
  FactsBuilder,
  knownElementCount,
  type DocumentFacts,
  type Range,
} from '../src/facts';
import { DocumentTree } from '../src/parser';

async function factsOf(text: string): Promise<DocumentFacts> {
  return (await analyzeText(text)).facts;
}

const r = (l1: number, c1: number, l2: number, c2: number): Range => ({
  start: { line: l1, character: c1 },
  end: { line: l2, character: c2 },
});

describe('facts', () => {
  it('scalar and array assignments with ranges and static values', async () => {
    const facts = await factsOf('img_name="my image".tar.gz\nsrc=(a "b c" \'d\' e\\ f)\n');
    const [name, src] = facts.assignments;
    assert.equal(name.name, 'img_name');
    assert.deepEqual(name.nameRange, r(0, 0, 0, 8));
    assert.deepEqual(name.valueRange, r(0, 9, 0, 26));
    assert.equal(name.value?.value, 'my image.tar.gz');
    assert.deepEqual(name.unknown, []);
    assert.equal(src.kind, 'array');
    assert.deepEqual(
      src.elements?.map((e) => e.value),
      ['a', 'b c', 'd', 'e f'],
    );
    assert.deepEqual(src.elements?.[1].range, r(1, 7, 1, 12));
    assert.equal(knownElementCount(src), 4);
  });

  it('marks dynamic values unknown and never guesses them', async () => {
    const facts = await factsOf(
      [
        'a=$(date)',
        'b=${x:-y}.tar',
        'c=(*.conf)',
        'd=({a,b}.conf)',
        'e=("$x" "${arr[@]}")',
        'f+=(x)',
        'if true; then g=1; fi',
        'for i in 1 2; do h=2; done',
        'declare -i k=1+1',
        'l=~/x',
        'm=(a [3]=b)',
      ].join('\n'),
    );
    const by = (name: string) => facts.assignments.find((a) => a.name === name && a.form !== 'for-variable');
    assert.equal(by('a')?.value?.value, undefined);
    assert.deepEqual(by('a')?.unknown, ['command-substitution']);
    assert.equal(by('b')?.value?.literalSuffix, '.tar');
    assert.deepEqual(by('c')?.unknown, ['glob']);
    assert.equal(knownElementCount(by('c')!), undefined);
    assert.ok(by('d')?.unknown.includes('brace-expansion'));
    assert.equal(by('e')?.elements?.[0].singleWord, true);
    assert.equal(by('e')?.elements?.[1].singleWord, false);
    assert.deepEqual(by('f')?.unknown, ['append']);
    assert.deepEqual(by('g')?.unknown, ['conditional']);
    assert.deepEqual(by('h')?.unknown, ['loop']);
    assert.deepEqual(by('k')?.unknown, ['declaration-flags']);
    assert.deepEqual(by('l')?.unknown, ['tilde']);
    assert.equal(knownElementCount(by('m')!), undefined);
    assert.deepEqual(facts.assignments.find((a) => a.form === 'for-variable')?.name, 'i');
  });

  it('declarations, command prefixes and subscripts', async () => {
    const facts = await factsOf('f() { local x=1; }\ndeclare -a arr\nexport PATH\nLANG=C sort\na[2]=z\n');
    const [x, arr, path, lang, a] = facts.assignments;
    assert.deepEqual([x.declaration, x.function, x.unknown], ['local', 'f', ['function']]);
    assert.deepEqual([arr.kind, arr.operator, arr.declarationFlags, arr.unknown], ['array', 'none', ['-a'], ['no-value']]);
    assert.equal(path.declaration, 'export');
    assert.deepEqual(arr.statementRange, r(1, 0, 1, 14));
    assert.deepEqual([lang.form, lang.unknown], ['command-prefix', ['command-prefix']]);
    assert.deepEqual([a.name, a.subscript, a.kind, a.unknown], ['a', '2', 'array', ['subscript']]);
  });

  it('functions with the comment block directly above, bodies and nesting', async () => {
    const facts = await factsOf(
      '# unrelated\n\n# Installs the base.\n# Second line.\ndo_install() {\n  echo\n}\nfunction helper { inner() { :; }; }\nx=1 # trailing\ng() { :; }\n',
    );
    const [install, helper, inner, g] = facts.functions;
    assert.deepEqual(install.comment, { text: 'Installs the base.\nSecond line.', range: r(2, 0, 3, 14) });
    assert.deepEqual(install.nameRange, r(4, 0, 4, 10));
    assert.deepEqual(install.bodyRange, r(4, 13, 6, 1));
    assert.equal(helper.keyword, true);
    assert.equal(helper.comment, undefined);
    assert.deepEqual([inner.name, inner.function], ['inner', 'helper']);
    assert.equal(g.comment, undefined, 'a trailing comment of the previous line is not documentation');
  });

  it('references in every form, with their function and guard', async () => {
    const facts = await factsOf(
      'do_postinstall() {\n  echo $a "${b}" ${c:-d} $((e + 1)) "${#f}"\n  cat <<EOF\n$g\nEOF\n  cat <<\'EOF\'\n$h\nEOF\n  echo \'$i\'\n}\n',
    );
    const refs = facts.references.map((x) => `${x.name}:${x.form}:${x.guarded ? 'guarded' : ''}:${x.quoted ? 'q' : ''}:${x.function}`);
    assert.deepEqual(refs, [
      'a:simple:::do_postinstall',
      'b:braced::q:do_postinstall',
      'c:braced:guarded::do_postinstall',
      'e:arithmetic:::do_postinstall',
      'f:braced::q:do_postinstall',
      'g:simple::q:do_postinstall',
    ]);
    assert.deepEqual(facts.references[0].expansionRange, r(1, 7, 1, 9));
    assert.deepEqual(facts.references[0].range, r(1, 8, 1, 9));
  });

  it('calls, the call graph and transitive reachability with call chains', async () => {
    const facts = await factsOf('a() { b; }\nb() { if x; then c; fi; }\nc() { :; }\nd() { :; }\ndo_postinstall() { a; }\n');
    const graph = callGraph(facts);
    assert.deepEqual([...(graph.get('a')?.keys() ?? [])], ['b']);
    const parents = callParents(facts, 'do_postinstall');
    assert.deepEqual([...parents.keys()].sort(), ['a', 'b', 'c', 'do_postinstall']);
    assert.deepEqual(
      callChain(parents, 'c').map((call) => `${call.function}->${call.name}`),
      ['do_postinstall->a', 'a->b', 'b->c'],
    );
    assert.equal(parents.get('c')?.depth, 3);
    assert.equal(parents.get('c')?.first?.name, 'a');
    assert.equal(chainText('do_postinstall', parents, 'c'), 'do_postinstall -> a -> b -> c');
    assert.equal(chainText('do_postinstall', parents, 'c', 3), 'do_postinstall -> a -> ... -> b -> c, 3 calls');
    assert.equal(facts.commands.find((c) => c.name === 'c')?.conditional, true);
  });

  it('source, . and eval', async () => {
    const facts = await factsOf('source ./common.sh\n. "$src_dir/x"\neval "$cmd"\n');
    assert.deepEqual(
      facts.sources.map((s) => [s.kind, s.path]),
      [
        ['source', './common.sh'],
        ['source', undefined],
        ['eval', undefined],
      ],
    );
  });

  it('syntax errors with readable messages', async () => {
    const facts = await factsOf('do_install() {\n  if true; then\n    echo\n}\n');
    assert.ok(facts.syntaxErrors.length > 0);
    assert.match(facts.syntaxErrors.map((e) => e.message).join('\n'), /^Syntax error: "if" on line 2 is never closed; add "fi".$/);
  });

  it('multi-line blocks for folding', async () => {
    const facts = await factsOf('f() {\n  if x; then\n    y\n  fi\n}\narr=(\n  a\n)\n');
    assert.deepEqual(
      facts.blocks.map((b) => `${b.kind}:${b.range.start.line}-${b.range.end.line}`),
      ['function:0-4', 'if:1-3', 'array:5-7'],
    );
  });

  it('the statement cache gives the same facts as a fresh extraction after edits', async () => {
    const text = '# doc\nimg_name=a.tar\n\ndo_install() {\n  echo "$img_dir"\n}\nx=(1 2)\n';
    const doc = await DocumentTree.create(text);
    const builder = new FactsBuilder();
    builder.build(doc.tree, doc.text);
    doc.applyEdits([
      { start: 0, end: 0, newText: '\n\n' },
      { start: 31, end: 31, newText: 'z' },
    ]);
    const cached = builder.build(doc.tree, doc.text);
    const fresh = await factsOf(doc.text);
    assert.deepEqual(cached, fresh);
    assert.equal(cached.functions[0].name, 'do_instzall');
    doc.dispose();
  });

  it('the statement cache keeps the statements a syntax-breaking keystroke regrouped, for the keystroke that restores them', async () => {
    const text = 'a() {\n  if x; then\n    y\n  fi\n}\nb() { :; }\nc() { :; }\n';
    const doc = await DocumentTree.create(text);
    const builder = new FactsBuilder();
    const before = builder.build(doc.tree, doc.text);
    // `fi` -> `fix`: the if never ends, b and c become part of the broken statement.
    const at = text.indexOf('fi') + 2;
    doc.applyEdits([{ start: at, end: at, newText: 'x' }]);
    const broken = builder.build(doc.tree, doc.text);
    assert.ok(broken.syntaxErrors.length > 0);
    doc.applyEdits([{ start: at, end: at + 1, newText: '' }]);
    const restored = builder.build(doc.tree, doc.text);
    assert.deepEqual(restored, await factsOf(text));
    // b and c were not walked again: their facts are the ones of the first build.
    assert.equal(restored.functions[1], before.functions[1]);
    assert.equal(restored.functions[2], before.functions[2]);
    doc.dispose();
  });

  it('the statement cache drops a comment that was removed above a reused statement', async () => {
    const doc = await DocumentTree.create('# Sets the name.\nimg_name=a.tar\n');
    const builder = new FactsBuilder();
    assert.equal(builder.build(doc.tree, doc.text).assignments[0].comment?.text, 'Sets the name.');
    doc.applyEdits([{ start: 0, end: 17, newText: '' }]);
    assert.equal(builder.build(doc.tree, doc.text).assignments[0].comment, undefined);
    doc.dispose();
  });
});

describe('facts of a keystroke in broken, deeply nested text (issue 11 item 13)', function () {
  this.timeout(120_000);
  it('50,000 nested braces: a keystroke elsewhere costs a fraction of the first build, and gives the same facts as a fresh one', async () => {
    // tree-sitter's recovery gives the root 100,000 '{' tokens: no Node (and no wasm checks) per token.
    const N = 50_000;
    const text = `img_name=x.tar\ndo_install() { :; }\n${'{ '.repeat(N)}true${' }'.repeat(N)}\n`;
    const doc = await DocumentTree.create(text);
    const builder = new FactsBuilder();
    let t = performance.now();
    builder.build(doc.tree, doc.text);
    const first = performance.now() - t;
    // The quickest of three keystrokes (a garbage collection may fall into one).
    let keystroke = Infinity;
    for (let k = 0; k < 3; k++) {
      doc.applyEdits([{ start: 10, end: 10, newText: 'a' }]);
      const tree = doc.tree;
      t = performance.now();
      const facts = builder.build(tree, doc.text);
      keystroke = Math.min(keystroke, performance.now() - t);
      if (k === 0) assert.deepEqual(facts, extractFacts(tree, doc.text));
    }
    assert.ok(keystroke < first / 3, `a keystroke's facts took ${Math.round(keystroke)} ms, the first build ${Math.round(first)} ms`);
    doc.dispose();
  });
});

describe('facts of a keystroke inside one huge statement, with a time budget (issue 11 item 13)', function () {
  this.timeout(120_000);
  const N = 50_000;
  const head = 'img_name=x.tar\ndo_install() { :; }\n';
  // One statement of 50,000 nested `$( )`: its walk took 0.2 s per keystroke on a quiet machine, seconds under load.
  const nested = `${head}x=${'$( '.repeat(N)}true${' )'.repeat(N)}\ny=1\n`;
  const inside = head.length + 2 + 3 * (N / 2);

  it('stops at the budget, keeps the last facts of that statement only, and the next calls on the same tree finish the walk', async () => {
    const doc = await DocumentTree.create(nested);
    const builder = new FactsBuilder();
    const before = builder.build(doc.tree, doc.text);
    assert.deepEqual(
      before.references.map((r) => r.name),
      [],
    );
    // A word typed inside the nest.
    doc.applyEdits([{ start: inside, end: inside, newText: 'echo $img_dir_base ' }]);
    const tree = doc.tree;
    const started = performance.now();
    const first = builder.buildWithin(tree, doc.text, 1);
    const elapsed = performance.now() - started;
    assert.equal(first.complete, false);
    assert.equal(first.missing, false);
    // The nest keeps its last facts (no reference yet) and says so; the statement after it is known.
    assert.deepEqual(first.facts.outdated, [{ start: { line: 2, character: 0 }, end: { line: 2, character: 5 * N + 6 + 19 } }]);
    assert.deepEqual(
      first.facts.references.map((r) => r.name),
      [],
    );
    assert.deepEqual(
      first.facts.assignments.map((a) => `${a.name}=${a.value?.value ?? '?'}`),
      ['img_name=x.tar', 'x=?', 'y=1'],
    );
    // Work done is bounded by the budget, not the statement (a loose bound: the full walk takes hundreds of ms).
    assert.ok(elapsed < 150, `the budgeted build took ${Math.round(elapsed)} ms`);
    let result = first;
    let slices = 1;
    while (!result.complete) {
      result = builder.buildWithin(tree, doc.text, 5);
      slices++;
    }
    assert.ok(slices > 2, `the walk went on over ${slices} slices`);
    assert.equal(result.facts.outdated, undefined);
    assert.deepEqual(result.facts, extractFacts(tree, doc.text));
    assert.deepEqual(
      result.facts.references.map((r) => r.name),
      ['img_dir_base'],
    );
    doc.dispose();
  });

  it('a new statement with no earlier facts is "missing" until walked (rules must not see facts without it)', async () => {
    const doc = await DocumentTree.create(nested);
    const builder = new FactsBuilder();
    const first = builder.buildWithin(doc.tree, doc.text, 1);
    assert.equal(first.complete, false);
    assert.equal(first.missing, true);
    builder.abandon();
    // Abandoned: the statements walked so far stay cached, the rest is walked by the next build.
    assert.deepEqual(builder.build(doc.tree, doc.text), extractFacts(doc.tree, doc.text));
    doc.dispose();
  });

  it('a keystroke in 50,000 `$( )` in a row (tree-sitter makes the root one ERROR of 50,000 pieces): the pieces after it keep their facts, moved', async () => {
    const text = `${head}${'$( )'.repeat(N)}\n`;
    const doc = await DocumentTree.create(text);
    const builder = new FactsBuilder();
    builder.build(doc.tree, doc.text);
    const at = head.length + 4 * (N / 2);
    doc.applyEdits([{ start: at, end: at, newText: 'a' }]);
    const tree = doc.tree;
    assert.equal(tree.rootNode.type, 'ERROR');
    // Slices of 5 ms: the few new pieces (found by their place in the text) are walked first, then the 50,000 others.
    let first = builder.buildWithin(tree, doc.text, 5);
    while (first.missing) first = builder.buildWithin(tree, doc.text, 5);
    assert.equal(first.complete, false);
    assert.ok((first.facts.outdated?.length ?? 0) > 1000, `${first.facts.outdated?.length} pieces keep their last facts`);
    assert.deepEqual(first.facts.syntaxErrors.length, 100);
    let result = first;
    while (!result.complete) result = builder.buildWithin(tree, doc.text, 5);
    assert.deepEqual(result.facts, extractFacts(tree, doc.text));
    doc.dispose();
  });
});
