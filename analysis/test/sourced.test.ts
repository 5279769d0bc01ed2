/** Sourced files: followed for every rule, MKIMG017 for missing/outside ones, cycles, and the same verdict on the command line. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzeImage } from '../src/analysis';
import { lintText } from '../src/lint';

describe('sourced files (analysis)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'makeimg-sourced-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(files: Record<string, string>): string {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return join(dir, 'image.sh');
  }

  async function codes(files: Record<string, string>): Promise<string[]> {
    const image = write(files);
    const { findings } = await analyzeImage(files['image.sh'], image);
    return findings.map((f) => `${f.code}@${f.range.start.line + 1}`);
  }

  it('functions and variables of a file sourced with a literal path count: do_install there, img_name missing everywhere', async () => {
    // Before sourced files were followed, any `source` silenced "missing" rules.
    assert.deepEqual(await codes({ 'image.sh': 'source ./lib/common.sh\n', 'lib/common.sh': 'do_install() { :; }\n' }), ['MKIMG001@1']);
    assert.deepEqual(await codes({ 'image.sh': 'source ./lib/common.sh\n', 'lib/common.sh': 'img_name=a.tar\ndo_install() { :; }\n' }), []);
  });

  it('follows "$src_dir/..." paths and # shellcheck source= directives', async () => {
    assert.deepEqual(await codes({ 'image.sh': '. "$src_dir/functions.sh"\nimg_name=a.tar\n', 'functions.sh': 'helper() { :; }\n' }), [
      'MKIMG003@1',
    ]);
    assert.deepEqual(
      await codes({ 'image.sh': 'lib=x\n# shellcheck source=lib.sh\n. "$lib"\nimg_name=a.tar\n', 'lib.sh': 'do_install() { :; }\n' }),
      [],
    );
  });

  it('MKIMG009 crosses files: underlined at the call in image.sh, with related information in the sourced file', async () => {
    const image = write({
      'image.sh': 'img_name=a.tar\n. ./lib.sh\ndo_install() { :; }\ndo_postinstall() {\n  setup\n}\n',
      'lib.sh': '# helper\nsetup() {\n  cp x "$img_dir/etc"\n}\n',
    });
    const { findings } = await analyzeImage('img_name=a.tar\n. ./lib.sh\ndo_install() { :; }\ndo_postinstall() {\n  setup\n}\n', image);
    assert.equal(findings.length, 1, JSON.stringify(findings));
    const [f] = findings;
    assert.equal(f.code, 'MKIMG009');
    assert.deepEqual(f.range, { start: { line: 4, character: 2 }, end: { line: 4, character: 7 } });
    assert.match(
      f.message,
      /^lib\.sh:3: \$img_dir does not exist inside the new rootfs, where do_postinstall runs \(do_postinstall -> setup\)/,
    );
    const inLib = f.related?.find((r) => r.file === join(dir, 'lib.sh'));
    assert.deepEqual(inLib?.range, { start: { line: 2, character: 8 }, end: { line: 2, character: 16 } });
  });

  it('a finding inside a sourced file is anchored at the source line and points into the file', async () => {
    const image = write({ 'image.sh': 'img_name=a.tar\n. ./lib.sh\ndo_install() { :; }\n', 'lib.sh': '\nimg_dir=/tmp/x\n' });
    const { findings } = await analyzeImage('img_name=a.tar\n. ./lib.sh\ndo_install() { :; }\n', image);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].code, 'MKIMG010');
    assert.equal(findings[0].range.start.line, 1);
    assert.match(findings[0].message, /^lib\.sh:2: makeimg sets \$img_dir itself/);
    assert.deepEqual(findings[0].related?.[0], {
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 7 } },
      message: 'here, in lib.sh',
      file: join(dir, 'lib.sh'),
    });
  });

  it('MKIMG017: a missing sourced file, one outside the image.sh directory; dynamic paths stay silent', async () => {
    assert.deepEqual(
      await codes({ 'image.sh': 'img_name=a.tar\ndo_install() { :; }\nsource ./nope.sh\n. ../shared.sh\n. /etc/profile\nsource "$x"\n' }),
      ['MKIMG017@3', 'MKIMG017@4', 'MKIMG017@5'],
    );
    const { findings } = await analyzeImage('source ./lib/\n', write({ 'image.sh': 'source ./lib/\n', 'lib/x': '' }));
    assert.match(findings.find((f) => f.code === 'MKIMG017')?.message ?? '', /is not a regular file/);
  });

  it('cycles terminate, and each file is read once', async () => {
    assert.deepEqual(
      await codes({
        'image.sh': 'img_name=a.tar\n. ./a.sh\n',
        'a.sh': '. ./b.sh\n. ./image.sh\na() { :; }\n',
        'b.sh': '. ./a.sh\ndo_install() { a; }\n',
      }),
      [],
    );
  });

  it('a file sourced inside a function defines its globals only when that function runs', async () => {
    assert.deepEqual(await codes({ 'image.sh': 'do_install() {\n  . ./lib.sh\n}\n', 'lib.sh': 'img_name=a.tar\n' }), ['MKIMG001@1']);
  });

  it('makeimg lint reports the same findings as the editor, anchored in image.sh', async () => {
    const image = write({ 'image.sh': 'img_name=a.tar\nsource ./missing.sh\n. ./lib.sh\n', 'lib.sh': 'do_install() { :; }\n' });
    const findings = await lintText('img_name=a.tar\nsource ./missing.sh\n. ./lib.sh\n', image);
    assert.deepEqual(
      findings.map((f) => `${f.code}@${f.line}:${f.column}`),
      ['MKIMG017@2:8'],
    );
    assert.match(findings[0].message, /^"\.\/missing\.sh" does not exist in the image\.sh directory/);
  });
});
