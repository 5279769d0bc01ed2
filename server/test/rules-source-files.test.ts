/** Unit tests: source paths (facts/file-arrays.ts) and the file rules MKIMG012/013 with a fake disk. */
import assert from 'node:assert/strict';
import { analyzeText } from '../../analysis/src/analysis';
import { locateSource, staticSourceElements } from '../../analysis/src/facts';
import { indentUnit } from '../../analysis/src/rules/fixes';
import type { SourceFiles } from '../../analysis/src/rules';

/** A disk holding exactly `present` (relative paths; a trailing '/' marks a directory). */
function disk(...present: string[]): SourceFiles {
  return {
    kind(path) {
      if (present.includes(path)) return 'file';
      if (present.includes(`${path}/`)) return 'directory';
      return 'missing';
    },
  };
}

async function codesOf(text: string, files?: SourceFiles): Promise<string[]> {
  const { findings } = await analyzeText(text, { files });
  return findings
    .filter((f) => f.code === 'MKIMG012' || f.code === 'MKIMG013')
    .map((f) => `${f.code}:${text.split('\n')[f.range.start.line].slice(f.range.start.character, f.range.end.character)}`);
}

const WRAP = (src: string) => `img_name=a.tar\npreinstall_files_src=(${src})\ndo_install() { :; }\n`;

describe('source paths', () => {
  it('locates paths relative to the image.sh directory', () => {
    assert.deepEqual(locateSource('files/a'), { kind: 'inside', relative: 'files/a' });
    assert.deepEqual(locateSource('./files//a/'), { kind: 'inside', relative: 'files/a' });
    assert.deepEqual(locateSource('files/../b'), { kind: 'inside', relative: 'b' });
    assert.deepEqual(locateSource('.'), { kind: 'itself' });
    assert.deepEqual(locateSource('files/..'), { kind: 'itself' });
    assert.deepEqual(locateSource('/etc/hosts'), { kind: 'absolute' });
    assert.deepEqual(locateSource('..'), { kind: 'escapes' });
    assert.deepEqual(locateSource('files/../../x'), { kind: 'escapes' });
    assert.deepEqual(locateSource('..x/y'), { kind: 'inside', relative: '..x/y' });
  });

  it('lists static source elements only, marking conditional assignments uncertain', async () => {
    const text = [
      'preinstall_files_src=(a "b c" $x "$src_dir/d" e*.conf "")',
      'if true; then postinstall_files_src=(f); fi',
      'preinstall_files_dst=(z)',
      'f() { local preinstall_files_src=(g); }',
    ].join('\n');
    const { facts } = await analyzeText(text);
    assert.deepEqual(
      staticSourceElements(facts).map((s) => [s.pair.src, s.path, s.certain]),
      [
        ['preinstall_files_src', 'a', true],
        ['preinstall_files_src', 'b c', true],
        ['postinstall_files_src', 'f', false],
      ],
    );
  });
});

describe('MKIMG012 (source outside the directory) and MKIMG013 (source missing)', () => {
  it('reports missing files only when a disk is given', async () => {
    const text = WRAP('files/a files/b');
    assert.deepEqual(await codesOf(text, disk('files/a')), ['MKIMG013:files/b']);
    assert.deepEqual(await codesOf(text), []);
  });

  it('accepts directories and normalized paths', async () => {
    assert.deepEqual(await codesOf(WRAP('files ./files/a files/x/../a'), disk('files/', 'files/a')), []);
  });

  it('reports absolute and escaping paths with or without a disk, never as missing', async () => {
    const text = WRAP('/etc/hosts ../x "sub/../../y" ./');
    const expected = ['MKIMG012:/etc/hosts', 'MKIMG012:../x', 'MKIMG012:"sub/../../y"', 'MKIMG012:./'];
    assert.deepEqual(await codesOf(text, disk()), expected);
    assert.deepEqual(await codesOf(text), expected);
  });

  it('never flags dynamic elements, and does not call a conditionally listed file missing', async () => {
    assert.deepEqual(await codesOf(WRAP('"$src_dir/a" $name *.conf files/{a,b} ~/x'), disk()), []);
    const conditional = 'img_name=a.tar\n[ -f extra ] && preinstall_files_src=(extra)\ndo_install() { :; }\n';
    assert.deepEqual(await codesOf(conditional, disk()), []);
  });

  it('carries a create-file fix for a missing source', async () => {
    const { findings } = await analyzeText(WRAP('./files/new.conf'), { files: disk() });
    assert.deepEqual(findings.find((f) => f.code === 'MKIMG013')?.data, { kind: 'create-file', path: 'files/new.conf' });
  });
});

describe('indentation of inserted code', () => {
  it('follows the document: tabs, the smallest space indent, else four spaces', () => {
    assert.equal(indentUnit('f() {\n\tx\n}'), '\t');
    assert.equal(indentUnit('f() {\n  x\n    y\n}'), '  ');
    assert.equal(indentUnit('x=1\n'), '    ');
    assert.equal(indentUnit('a \\\n                       b'), '    ');
  });
});
