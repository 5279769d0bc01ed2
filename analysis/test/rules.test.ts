/** Every rule: what it flags (with range and message), and what it must leave alone. */
import assert from 'node:assert/strict';
import { analyzeText } from '../src/analysis';
import { RULES, type Finding } from '../src/rules';
import { editDistance, nearMiss } from '../src/rules/names';

const BASE = 'img_name=img.tar.gz\ndo_install() {\n    mkdir -p "$img_dir/etc"\n}\n';

async function findings(text: string, code: string): Promise<Finding[]> {
  return (await analyzeText(text)).findings.filter((f) => f.code === code);
}

/** "line:col-line:col", 1-based, for compact range assertions. */
function at(f: Finding): string {
  const { start, end } = f.range;
  return `${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}`;
}

describe('rules', () => {
  it('have unique, stable codes: MKIMG001..MKIMG011 first, in order', () => {
    const codes = RULES.map((r) => r.code);
    assert.deepEqual(
      codes.slice(0, 11),
      Array.from({ length: 11 }, (_, i) => `MKIMG${String(i + 1).padStart(3, '0')}`),
    );
    assert.equal(new Set(codes).size, codes.length);
    assert.ok(codes.every((c) => /^MKIMG\d{3}$/.test(c)));
  });

  it('leave a correct image.sh alone', async () => {
    assert.deepEqual((await analyzeText(BASE)).findings, []);
  });

  describe('MKIMG001 img_name missing', () => {
    it('flags a file without img_name, pointing at a look-alike', async () => {
      const [f] = await findings('img_nmae=x.tar\ndo_install() { :; }\n', 'MKIMG001');
      assert.equal(f.severity, 'error');
      assert.match(f.message, /does not set img_name.*Add a line like `img_name=myimage.tar.gz`/);
      assert.deepEqual(f.related?.[0].message, '"img_nmae" looks like a misspelling of img_name');
      assert.deepEqual(f.data, { kind: 'insert-assignment', name: 'img_name', text: 'img_name=myimage.tar.gz' });
    });
    it('accepts img_name set conditionally, in a function called at top level, or exported', async () => {
      assert.deepEqual(await findings('if x; then img_name=a; else img_name=b; fi\ndo_install() { :; }\n', 'MKIMG001'), []);
      assert.deepEqual(await findings('set_name() { img_name=a.tar; }\nset_name\ndo_install() { :; }\n', 'MKIMG001'), []);
      assert.deepEqual(await findings('export img_name=a.tar\ndo_install() { :; }\n', 'MKIMG001'), []);
    });
    it('does not judge when code it cannot see may set it (source, eval) or the file does not parse', async () => {
      assert.deepEqual(await findings('source ./common.sh\ndo_install() { :; }\n', 'MKIMG001'), []);
      assert.deepEqual(await findings('eval "$settings"\ndo_install() { :; }\n', 'MKIMG001'), []);
      assert.deepEqual(await findings('do_install() {\n  if x; then\n}\n', 'MKIMG001'), []);
    });
    it('does not count a local, or a function nobody calls, and says where it is set', async () => {
      assert.equal((await findings('f() { local img_name=x; }\nf\ndo_install() { :; }\n', 'MKIMG001')).length, 1);
      const [f] = await findings('do_install() { img_name=x; }\n', 'MKIMG001');
      assert.match(f.message, /does not set img_name at the top level.*outside any function/);
      assert.equal(f.related?.[0].message, 'set here, but only when do_install runs; makeimg reads img_name before any hook');
    });
  });

  describe('MKIMG020 not a makeimg recipe', () => {
    const SCRIPT = '#!/bin/sh\nset -e\nnpm ci\nnpm run build\nrsync -a site/ "$HOST:/srv/"\n';
    it("reports a script with none of makeimg's names once, as information, instead of MKIMG001/003", async () => {
      const all = (await analyzeText(SCRIPT)).findings;
      assert.deepEqual(
        all.map((f) => [f.code, f.severity, at(f)]),
        [['MKIMG020', 'information', '1:1-1:1']],
      );
      const fix = RULES.find((r) => r.code === 'MKIMG020')!.fix!(all[0], { facts: (await analyzeText(SCRIPT)).facts, lines: [] });
      assert.deepEqual(fix?.command, { command: 'makeimg.useShellLanguage' });
      assert.deepEqual(fix?.edits, []);
    });
    it('stays silent on a recipe not yet written, any makeimg name or near-miss, and code it cannot see', async () => {
      for (const text of [
        '',
        '# my image\n',
        'img_nmae=x.tar\nnpm ci\n',
        'npm ci\ncp a "$img_dir/etc"\n',
        'npm ci\ndo_instal() { :; }\n',
        'postinstall_files_src=(a)\n',
        'source ./common.sh\nnpm ci\n',
        'npm ci\nif x; then\n',
      ]) {
        assert.deepEqual(await findings(text, 'MKIMG020'), [], JSON.stringify(text));
      }
      // An empty image.sh still hears what it lacks.
      assert.equal((await findings('', 'MKIMG001')).length, 1);
    });
  });

  describe('MKIMG002 img_name suffix', () => {
    it('flags .tgz on the suffix itself, suggesting .tar.gz', async () => {
      const [f] = await findings(BASE.replace('img.tar.gz', '"img.tgz"'), 'MKIMG002');
      assert.equal(at(f), '1:14-1:18');
      assert.match(f.message, /ends in "\.tgz", which makeimg cannot write.*Use "\.tar\.gz"\./);
      assert.deepEqual(f.data, { kind: 'replace', range: f.range, newText: '.tar.gz' });
    });
    it('flags .zip and .tar.lz4 (no suggestion) and an empty name', async () => {
      assert.match((await findings(BASE.replace('img.tar.gz', 'img.zip'), 'MKIMG002'))[0].message, /Use one of \.tar, \.tar\.gz/);
      assert.equal((await findings(BASE.replace('img.tar.gz', 'img.tar.lz4'), 'MKIMG002'))[0].data, undefined);
      assert.match((await findings(BASE.replace('img.tar.gz', ''), 'MKIMG002'))[0].message, /img_name is empty/);
    });
    it('judges a dynamic name only when its literal end decides: ${base}.tar.zstd yes, ${base}.gz no', async () => {
      assert.equal((await findings(BASE.replace('img.tar.gz', '${base}.tar.zstd'), 'MKIMG002')).length, 1);
      assert.deepEqual(await findings(BASE.replace('img.tar.gz', '${base}.gz'), 'MKIMG002'), []);
      assert.deepEqual(await findings(BASE.replace('img.tar.gz', '$(name)'), 'MKIMG002'), []);
    });
    it('accepts every supported suffix and a plain directory name', async () => {
      for (const name of ['a.tar', 'a.tar.gz', 'a.tar.bz2', 'a.tar.xz', 'a.tar.zst', 'rootfs', 'my.dir']) {
        assert.deepEqual(await findings(BASE.replace('img.tar.gz', name), 'MKIMG002'), [], name);
      }
    });
  });

  describe('MKIMG003 do_install missing', () => {
    it('flags a file without do_install, offering a skeleton and pointing at do_instal', async () => {
      const [f] = await findings('img_name=a.tar\ndo_instal() { :; }\n', 'MKIMG003');
      assert.match(f.message, /does not define do_install\(\)/);
      assert.equal(f.related?.[0].message, '"do_instal" looks like a misspelling of do_install');
      assert.equal(f.data?.kind, 'insert-function');
    });
    it('accepts any definition form; does not judge with source', async () => {
      assert.deepEqual(await findings('img_name=a\nfunction do_install { :; }\n', 'MKIMG003'), []);
      assert.deepEqual(await findings('img_name=a\n. ./hooks.sh\n', 'MKIMG003'), []);
    });
  });

  describe('MKIMG004 file pair lengths', () => {
    const pair = (src: string, dst: string) => `${BASE}postinstall_files_src=${src}\npostinstall_files_dst=${dst}\n`;
    it('flags both arrays, naming counts and the first unpaired element, with related info', async () => {
      const fs = await findings(pair('(a b c)', '(x y)'), 'MKIMG004');
      assert.deepEqual(fs.map(at), ['5:28-5:29', '6:23-6:28']);
      assert.match(
        fs[0].message,
        /^postinstall_files_src has 3 elements but postinstall_files_dst has 2: "c" \(element 3 of postinstall_files_src\) has no destination\./,
      );
      assert.equal(fs[0].related?.[0].message, 'postinstall_files_dst (2 elements)');
      assert.deepEqual(fs[1].related?.[0].range, fs[0].range);
      assert.deepEqual(fs[0].data, {
        kind: 'pair-mismatch',
        src: 'postinstall_files_src',
        dst: 'postinstall_files_dst',
        srcCount: 3,
        dstCount: 2,
        shorter: 'postinstall_files_dst',
        missing: 1,
      });
    });
    it('names a destination without a source the other way round', async () => {
      const [f] = await findings(pair('(a)', '(x "y z")'), 'MKIMG004');
      assert.match(f.message, /"y z" \(element 2 of postinstall_files_dst\) has no source/);
    });
    it('does not count what it cannot know: globs, unquoted expansions, +=, conditionals, brace expansion', async () => {
      for (const [src, dst] of [
        ['(*.conf)', '(x)'],
        ['($files)', '(x)'],
        ['(a {b,c})', '(x y)'],
        ['("${all[@]}")', '(x)'],
      ]) {
        assert.deepEqual(await findings(pair(src, dst), 'MKIMG004'), [], src);
      }
      assert.deepEqual(await findings(`${pair('(a)', '(x)')}postinstall_files_src+=(b)\n`, 'MKIMG004'), []);
      assert.deepEqual(await findings(`${BASE}if x; then postinstall_files_src=(a b); fi\npostinstall_files_dst=(x)\n`, 'MKIMG004'), []);
    });
    it('counts quoted expansions and command substitutions as one element each', async () => {
      assert.deepEqual(await findings(pair('("$a" "$(b)")', '(x y)'), 'MKIMG004'), []);
      assert.equal((await findings(pair('("$a" "$(b)")', '(x)'), 'MKIMG004')).length, 2);
    });
  });

  describe('MKIMG005 file pair incomplete', () => {
    it('flags a src array without its dst array', async () => {
      const [f] = await findings(`${BASE}preinstall_files_src=(a b)\n`, 'MKIMG005');
      assert.equal(at(f), '5:1-5:21');
      assert.match(f.message, /preinstall_files_src is set but preinstall_files_dst is not/);
      assert.deepEqual(f.data, {
        kind: 'insert-assignment',
        name: 'preinstall_files_dst',
        text: 'preinstall_files_dst=(/CHANGE-ME/a /CHANGE-ME/b)',
        after: f.data?.kind === 'insert-assignment' ? f.data.after : undefined,
      });
    });
    it('flags a dst array without its src array; accepts both, and does not judge with source', async () => {
      assert.equal((await findings(`${BASE}preinstall_files_dst=(a)\n`, 'MKIMG005')).length, 1);
      assert.deepEqual(await findings(`${BASE}preinstall_files_src=(a)\npreinstall_files_dst=(b)\n`, 'MKIMG005'), []);
      assert.deepEqual(await findings(`${BASE}source ./files.sh\npreinstall_files_src=(a)\n`, 'MKIMG005'), []);
    });
  });

  describe('MKIMG018 empty or placeholder destination', () => {
    it('flags "" (copies to /) and an unedited /CHANGE-ME placeholder, not / or a real path', async () => {
      const text = `${BASE}postinstall_files_src=(a b c d)\npostinstall_files_dst=("" /CHANGE-ME/b / /etc/d)\n`;
      const found = await findings(text, 'MKIMG018');
      assert.deepEqual(found.map(at), ['6:24-6:26', '6:27-6:39']);
      assert.equal(found[0]!.severity, 'warning');
      assert.match(found[0]!.message, /An empty destination in postinstall_files_dst copies its source into the image's root \(\/\)/);
      assert.match(found[1]!.message, /"\/CHANGE-ME\/b" in postinstall_files_dst is a placeholder/);
    });
  });

  describe('MKIMG006 file array as a string', () => {
    it('flags a string, explaining that a spaced string stays one element', async () => {
      const [f] = await findings(`${BASE}preinstall_files_src="a b"\npreinstall_files_dst=(x)\n`, 'MKIMG006');
      assert.equal(f.severity, 'warning');
      assert.equal(at(f), '5:22-5:27');
      assert.match(f.message, /stays ONE element.*preinstall_files_src=\(a b\)/);
      assert.deepEqual(f.data, { kind: 'replace', range: f.range, newText: '(a b)' });
    });
    it('accepts arrays, declare -a and element assignments', async () => {
      const ok = `${BASE}declare -a preinstall_files_src=(a)\npreinstall_files_dst=(x)\npreinstall_files_dst[0]=y\n`;
      assert.deepEqual(await findings(ok, 'MKIMG006'), []);
    });
  });

  describe('MKIMG007 do_preinstall', () => {
    it('flags do_preinstall as never run, faded', async () => {
      const [f] = await findings(`${BASE}do_preinstall() {\n  cp a b\n}\n`, 'MKIMG007');
      assert.equal(at(f), '5:1-5:14');
      assert.match(f.message, /has no hook, so do_preinstall never runs/);
      assert.deepEqual(f.tags, ['unnecessary']);
    });
    it('accepts do_preinstall when the script calls it itself', async () => {
      assert.deepEqual(await findings(BASE.replace('mkdir', 'do_preinstall; mkdir') + 'do_preinstall() { :; }\n', 'MKIMG007'), []);
    });
  });

  describe('MKIMG008 near-miss names', () => {
    it('suggests the hook for do_instal and do_post_install', async () => {
      const fs = await findings(`${BASE}do_instal() { :; }\ndo_post_install() { :; }\n`, 'MKIMG008');
      assert.deepEqual(
        fs.map((f) => f.message),
        [
          '"do_instal" is not a makeimg hook, so it never runs. Did you mean "do_install"?',
          '"do_post_install" is not a makeimg hook, so it never runs. Did you mean "do_postinstall"?',
        ],
      );
      assert.deepEqual(fs[0].data, { kind: 'replace', range: fs[0].range, newText: 'do_install' });
    });
    it('suggests variables for img_nmae and postinstall_file_src, and $img_dri', async () => {
      const fs = await findings(`${BASE}img_nmae=a\npostinstall_file_src=(a)\nx() { echo $img_dri; }\n`, 'MKIMG008');
      assert.deepEqual(
        fs.map((f) => [at(f), f.message]),
        [
          ['5:1-5:9', '"img_nmae" is not read by makeimg. Did you mean "img_name"?'],
          ['6:1-6:21', '"postinstall_file_src" is not read by makeimg. Did you mean "postinstall_files_src"?'],
          ['7:13-7:20', '$img_dri is never set, so it expands to nothing. Did you mean $img_dir?'],
        ],
      );
    });
    it('leaves user names alone: called helpers, used variables, tmp_dir, do_install_base', async () => {
      const text = `${BASE}do_instal() { :; }\ndo_install_base() { :; }\ntmp_dir=/tmp\necho "$tmp_dir" $img_dri\nimg_dri=1\n`.replace(
        'mkdir',
        'do_instal; mkdir',
      );
      assert.deepEqual(await findings(text, 'MKIMG008'), []);
    });
    it('matching: edit distance with transpositions, length thresholds', () => {
      assert.equal(editDistance('img_nmae', 'img_name'), 1);
      assert.equal(nearMiss('tmp_dir', ['img_dir']), undefined);
      assert.equal(nearMiss('IMG_NAME', ['img_name']), 'img_name');
      assert.equal(nearMiss('postinstal_files_sr', ['postinstall_files_src']), 'postinstall_files_src');
    });
  });

  describe('MKIMG009 build paths in do_postinstall', () => {
    it('flags $img_dir/$src_dir/$img_path in do_postinstall and functions it calls, with the chain', async () => {
      const text = `${BASE}do_postinstall() {\n  echo "$img_path"\n  a\n}\na() { b; }\nb() { cp "\${src_dir}/x" /x; }\n`;
      const fs = await findings(text, 'MKIMG009');
      assert.deepEqual(fs.map(at), ['6:9-6:18', '10:11-10:21']);
      assert.match(
        fs[1].message,
        /^\$src_dir does not exist inside the new rootfs, where do_postinstall runs \(do_postinstall -> a -> b\)/,
      );
      assert.deepEqual(
        fs[1].related?.map((r) => r.message),
        ['do_postinstall runs inside the new rootfs', 'do_postinstall calls a here', 'a calls b here'],
      );
    });
    it('leaves do_install, guarded expansions, single quotes and local shadows alone', async () => {
      const text = `${BASE}do_postinstall() {\n  echo "\${img_dir:-/}" '$img_dir'\n  local src_dir=/srv; echo $src_dir\n}\n`;
      assert.deepEqual(await findings(text, 'MKIMG009'), []);
    });
    // Issue 11 item 15: bash would not fail in any of these.
    it("stays silent when a caller's `local img_dir` is what the callee sees (dynamic scoping)", async () => {
      const text = `${BASE}do_postinstall() {\n  local img_dir=/\n  helper\n}\nhelper() { echo "$img_dir/etc"; }\n`;
      assert.deepEqual(await findings(text, 'MKIMG009'), []);
      // Reached another way too, without the local: then it is flagged.
      const both = `${text}other() { helper; }\ndo_postinstall() {\n  local img_dir=/\n  helper\n  other2\n}\nother2() { helper; }\n`;
      assert.deepEqual((await findings(both, 'MKIMG009')).map(at), []);
      const unshadowed = `${BASE}do_postinstall() {\n  local img_dir=/\n  helper\n  plain\n}\nhelper() { echo "$img_dir/etc"; }\nplain() { helper; }\n`;
      assert.deepEqual((await findings(unshadowed, 'MKIMG009')).map(at), []);
      const viaPlain = `${BASE}do_postinstall() {\n  plain\n}\nsetter() { local img_dir=/; helper; }\nhelper() { echo "$img_dir/etc"; }\nplain() { helper; setter; }\n`;
      assert.deepEqual((await findings(viaPlain, 'MKIMG009')).map(at), ['9:18-9:26']);
    });
    it('only looks at the last definition of do_postinstall (bash keeps the last one)', async () => {
      const text = `${BASE}do_postinstall() {\n  cp "$src_dir/x" /x\n  helper\n}\nhelper() { echo "$img_dir"; }\ndo_postinstall() {\n  echo done\n}\n`;
      assert.deepEqual(await findings(text, 'MKIMG009'), []);
      const replacedFirst = `${BASE}do_postinstall() { :; }\ndo_postinstall() {\n  cp "$src_dir/x" /x\n}\n`;
      assert.deepEqual((await findings(replacedFirst, 'MKIMG009')).map(at), ['7:7-7:15']);
    });
    it('stays silent after `: "${img_dir:=/}"` assigned it', async () => {
      const text = `${BASE}do_postinstall() {\n  : "\${img_dir:=/}"\n  mkdir -p "$img_dir/etc"\n}\n`;
      assert.deepEqual(await findings(text, 'MKIMG009'), []);
    });
    // Issue 11 item 14: a chain of 20,000 helpers took 41 s and 2.6 GB, and the message listed all of them.
    it('a chain of 20,000 functions: linear, and the message shows the first and last links and the count', async function () {
      this.timeout(120_000);
      const n = 20_000;
      const parts = [`${BASE}do_postinstall() { f0; }\n`];
      for (let i = 0; i < n; i++) parts.push(`f${i}() { f${i + 1}; }\n`);
      parts.push(`f${n}() { echo "$img_dir"; }\n`);
      const [f, ...more] = await findings(parts.join(''), 'MKIMG009');
      assert.equal(more.length, 0);
      assert.match(f.message, /\(do_postinstall -> f0 -> \.\.\. -> f19999 -> f20000, 20,001 calls\)/);
      assert.ok(f.message.length < 400, `message of ${f.message.length} characters`);
      assert.deepEqual(
        f.related?.map((r) => r.message),
        ['do_postinstall runs inside the new rootfs', 'do_postinstall calls f0 here', 'f19999 calls f20000 here'],
      );
    });
  });

  describe('MKIMG010 provided variables assigned', () => {
    it('flags assignments to img_dir, src_dir and img_path', async () => {
      const fs = await findings(`${BASE}img_dir=/x\nf() { src_dir=/y; }\n`, 'MKIMG010');
      assert.deepEqual(fs.map(at), ['5:1-5:8', '6:7-6:14']);
      assert.match(fs[0].message, /makeimg sets \$img_dir itself and overwrites this assignment/);
    });
    it('leaves locals and reads alone', async () => {
      assert.deepEqual(await findings(`${BASE}f() { local img_dir=/x; echo $img_path; }\n`, 'MKIMG010'), []);
    });
  });

  describe("MKIMG022 the original makeimg's helpers", () => {
    it('flags the first call of each helper image.sh does not define, the others as related information', async () => {
      const fs = await findings(`${BASE}do_postinstall() {\n    info a\n    ok b\n    info c\n    error d\n}\n`, 'MKIMG022');
      assert.deepEqual(fs.map(at), ['6:5-6:9', '7:5-7:7', '9:5-9:10']);
      assert.equal(fs[0].severity, 'warning');
      assert.match(
        fs[0].message,
        /^info is not defined: the original makeimg provided info, ok and error, this makeimg does not.*\(2 calls\)$/,
      );
      assert.deepEqual(
        fs[0].related?.map((r) => r.message),
        ['info is also called here'],
      );
      assert.deepEqual(fs[2].data, { kind: 'insert-function', name: 'error', text: 'error() { echo "error: $*" >&2; return 1; }' });
    });
    it('leaves helpers image.sh defines (anywhere) alone, and does not judge past a source it cannot read', async () => {
      assert.deepEqual(await findings(`${BASE}info() { echo "$*"; }\ndo_postinstall() { info x; }\n`, 'MKIMG022'), []);
      assert.deepEqual(await findings(`source ./helpers.sh\n${BASE}do_postinstall() { info x; }\n`, 'MKIMG022'), []);
      assert.deepEqual(await findings(`${BASE}do_postinstall() { echo info ok error; }\n`, 'MKIMG022'), []);
    });
  });

  describe('MKIMG023 $img_dir_base', () => {
    it('flags each read of $img_dir_base when image.sh does not set it', async () => {
      const fs = await findings(`${BASE}do_postinstall() {\n    echo "$img_dir_base/x" \${img_dir_base}\n}\n`, 'MKIMG023');
      assert.deepEqual(fs.map(at), ['6:11-6:24', '6:28-6:43']);
      assert.match(fs[0].message, /makeimg does not set \$img_dir_base \(the original makeimg did\): it expands to nothing here/);
      assert.deepEqual(fs[0].data?.kind, 'replace');
    });
    it('leaves image.sh that sets it, and guarded reads, alone', async () => {
      assert.deepEqual(await findings(`img_dir_base=/srv\n${BASE}f() { echo "$img_dir_base"; }\n`, 'MKIMG023'), []);
      assert.deepEqual(await findings(`${BASE}f() { : "\${img_dir_base:=/srv}"; echo "$img_dir_base"; }\n`, 'MKIMG023'), []);
      assert.deepEqual(await findings(`${BASE}f() { echo "\${img_dir_base:-/srv}"; }\n`, 'MKIMG023'), []);
    });
  });

  describe('MKIMG011 syntax errors', () => {
    it('says which construct is not closed and where it was opened', async () => {
      const fs = await findings(`${BASE}do_postinstall() {\n  for x in a; do\n    echo\n}\n`, 'MKIMG011');
      assert.ok(fs.length >= 1);
      assert.match(fs.map((f) => f.message).join('\n'), /"do" on line 6 is not closed; add "done"|"for" on line 6 is never closed/);
    });
    it('flags a stray closer', async () => {
      const [f] = await findings(`${BASE}fi\n`, 'MKIMG011');
      assert.equal(at(f), '5:1-5:3');
      assert.match(f.message, /unexpected "fi"/);
    });
    it('caps the number reported for garbage', async () => {
      const garbage = Array.from({ length: 3000 }, (_, i) => `${i % 2 ? ')' : '('} ${i % 3 ? '}' : 'esac'} ;; `).join('\n');
      const fs = await findings(garbage, 'MKIMG011');
      assert.ok(fs.length <= 101 && fs.length > 0, String(fs.length));
    });
  });
});
