/**
 * The pure logic under hover, navigation and the outline, on facts of real
 * parses: when a src/dst pairing is certain, and how bash scoping decides
 * which assignments a name refers to.
 */
import assert from 'node:assert/strict';
import { FILE_ARRAY_PAIRS } from '../../shared/contract';
import { analyzeText } from '../../analysis/src/analysis';
import { callChain, callParents } from '../../analysis/src/facts';
import { fileElementAt, partnerOf } from '../src/features/file-pairs';
import { occurrences, symbolAt } from '../src/features/occurrences';
import { positionOf } from './support/cursor';

const { src, dst } = FILE_ARRAY_PAIRS[0];

async function partnerAt(text: string, needle: string) {
  const { facts } = await analyzeText(text);
  const at = fileElementAt(facts, positionOf(text, needle, 1));
  assert.ok(at, `no file array element at ${needle}`);
  return partnerOf(facts, at);
}

describe('features: src/dst pairing', () => {
  it('pairs element i with element i when both arrays are certain', async () => {
    const p = await partnerAt(`${src}=(a "b c" d)\n${dst}=(x y z)`, 'd)');
    assert.equal(p.kind, 'element');
    assert.equal(p.kind === 'element' && p.element.value, 'z');
  });

  it('reports a missing partner element and an unassigned partner array', async () => {
    const missing = await partnerAt(`${src}=(a b)\n${dst}=(x)`, 'b)');
    assert.equal(missing.kind, 'missing');
    assert.equal(missing.kind === 'missing' && missing.count, 1);
    assert.deepEqual(await partnerAt(`${src}=(a b)`, 'b)'), { kind: 'unassigned', name: dst });
  });

  it('does not guess after a glob, with +=, in a conditional or with two assignments', async () => {
    const reason = async (text: string, needle: string) => {
      const p = await partnerAt(text, needle);
      assert.equal(p.kind, 'unknown', JSON.stringify(p));
      return p.kind === 'unknown' ? p.reason : '';
    };
    assert.equal(
      await reason(`${src}=(*.conf b)\n${dst}=(x y)`, 'b)'),
      `element 1 of ${src} (*.conf) may expand to several words or set an index`,
    );
    assert.equal(await reason(`${src}=(a)\n${dst}+=(x)`, 'a)'), `${dst} is appended to with +=`);
    assert.equal(await reason(`if true; then ${src}=(a); fi\n${dst}=(x)`, 'a)'), `${src} is assigned inside a conditional`);
    assert.equal(await reason(`${src}=(a)\n${dst}=(x)\n${dst}=(y)`, 'a)'), `${dst} is assigned 2 times`);
  });

  it('an element after a glob in the partner is not paired, one before it is', async () => {
    assert.equal((await partnerAt(`${src}=(a b)\n${dst}=(x *)`, 'a ')).kind, 'element');
    assert.equal((await partnerAt(`${src}=(a b)\n${dst}=(x *)`, 'b)')).kind, 'unknown');
  });
});

describe('features: variable scope', () => {
  async function occurrenceLines(text: string, needle: string, offset = 0, occurrence = 1): Promise<number[]> {
    const { facts } = await analyzeText(text);
    const symbol = symbolAt(facts, positionOf(text, needle, offset, occurrence));
    assert.ok(symbol);
    return occurrences(facts, symbol).map((o) => o.range.start.line);
  }

  it('declare inside a function is local; declare -g is global', async () => {
    const text = ['x=1', 'f() {', '  declare x=2', '  echo $x', '}', 'g() {', '  declare -g x=3', '}', 'echo $x'].join('\n');
    assert.deepEqual(await occurrenceLines(text, 'x=1'), [0, 6, 8]);
    assert.deepEqual(await occurrenceLines(text, '$x', 1), [2, 3]);
  });

  it('a function without a local sees the global', async () => {
    const text = ['x=1', 'f() {', '  x=2', '}', 'echo $x'].join('\n');
    assert.deepEqual(await occurrenceLines(text, '$x', 1), [0, 2, 4]);
  });

  it('names given to read, mapfile and printf -v are occurrences; option values are not', async () => {
    const text = ['x=1', 'read -r -p x x', 'mapfile -t -n 3 x', 'printf -v x %s y', 'read -a x', 'printf "%s" x', 'echo "$x"'].join('\n');
    const { facts } = await analyzeText(text);
    const symbol = symbolAt(facts, positionOf(text, '$x', 1));
    assert.ok(symbol);
    const at = occurrences(facts, symbol).map((o) => `${o.range.start.line}:${o.range.start.character}:${o.role}`);
    assert.deepEqual(at, ['0:0:write', '1:13:write', '2:16:write', '3:10:write', '4:8:write', '6:7:read']);
    // Commands named like Object.prototype members are just commands.
    const odd = 'toString x\nconstructor x\nx=1';
    const oddFacts = (await analyzeText(odd)).facts;
    assert.equal(occurrences(oddFacts, { kind: 'variable', name: 'x', function: null }).length, 1);
  });

  it('function occurrences skip quoted call names (they are not plain renames)', async () => {
    const text = ['f() { :; }', 'f', '"f"'].join('\n');
    assert.deepEqual(await occurrenceLines(text, 'f()'), [0, 1]);
  });
});

describe('features: call chains', () => {
  it('finds the shortest chain from a hook through many helpers', async () => {
    const helpers = Array.from({ length: 300 }, (_, i) => `h${i}() { ${i > 0 ? `h${i - 1}` : ':'}; }`);
    const text = [...helpers, 'do_install() { h299; h5; }'].join('\n');
    const { facts } = await analyzeText(text);
    const parents = callParents(facts, 'do_install');
    assert.equal(parents.size, 301);
    assert.deepEqual(
      callChain(parents, 'h3').map((c) => c.name),
      ['h5', 'h4', 'h3'],
    );
    assert.deepEqual(callChain(parents, 'do_install'), []);
    assert.equal(callParents(facts, 'do_install'), parents, 'cached per facts object');
  });
});
