/**
 * The evaluation (resolve stage, `makeimg check`) with real systemd-nspawn:
 * what the editor accepts resolves (issue 12: empty arrays; a property test
 * over generated file arrays), the description is captured in one linear
 * pass with progress (issue 11 item 9), and image.sh cannot defeat the
 * drivers (issue 11 item 8: a top-level `exit 0` at install time, a
 * `readonly img_dir`).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FILE_ARRAY_PAIRS } from '../../shared/contract';
import { EXIT } from '../../shared/events';
import { lintText } from '../../analysis/src/lint';
import { evaluateImage } from '../src/stages/evaluate';
import { checkDescription } from '../src/validate';
import { project, Scratch, tinyProject } from './support/projects';
import { errorEvent, runMakeimg } from './support/run-makeimg';

/** A bash word for any string: $'...' with escapes, so every byte survives. */
function bashWord(s: string): string {
  let out = "$'";
  for (const ch of s) {
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + "'";
}

/** A small deterministic generator (mulberry32), so a failing sample can be reproduced from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'a',
  'b c',
  '"q"',
  "it's",
  'new\nline',
  '*',
  '?',
  '[x]',
  '$HOME',
  '`id`',
  'ünïcødé',
  '日本',
  '-n',
  ' lead',
  'trail ',
  '\\',
  'tab\there',
];

describe('makeimg resolve: what the editor accepts resolves (real systemd-nspawn)', function () {
  this.timeout(300_000);
  const scratch = Scratch.forRootSuite();
  const signal = new AbortController().signal;

  it('accepts empty array pairs, as the skeleton snippet inserts them', async () => {
    const src = await project(scratch, 'img_name=x.tar\npreinstall_files_src=()\npreinstall_files_dst=()\ndo_install() { :; }\n');
    const r = await runMakeimg(['check', '--directory', src, path.join(await scratch.dir('out'), 'img')]);
    assert.equal(r.code, EXIT.OK, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /unexpected field/);
  });

  it('property: an image.sh lint accepts, with arrays of 0..n elements of any characters, resolves to exactly those arrays', async () => {
    let resolved = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const next = random(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
      const src = await scratch.dir('prop');
      const arrays: Record<string, string[]> = {};
      let text = 'img_name=prop.tar\n';
      for (const pair of FILE_ARRAY_PAIRS) {
        const n = Math.floor(next() * 4); // 0..3 elements
        const srcs: string[] = [];
        const dsts: string[] = [];
        for (let k = 0; k < n; k++) {
          const name = `${pick(PIECES)}${k}${pick(PIECES)}`.replace(/\//g, '_');
          await fs.writeFile(path.join(src, name), 'x');
          srcs.push(name);
          dsts.push(`opt/${pair.src}/${pick(PIECES)}${k}`.replace(/\.\./g, '_'));
        }
        arrays[pair.src] = srcs;
        arrays[pair.dst] = dsts;
        text += `${pair.src}=(${srcs.map(bashWord).join(' ')})\n${pair.dst}=(${dsts.map(bashWord).join(' ')})\n`;
      }
      text += 'do_install() { :; }\n';
      await fs.writeFile(path.join(src, 'image.sh'), text);
      const errors = (await lintText(text, path.join(src, 'image.sh'))).filter((f) => f.severity === 'error');
      if (errors.length > 0) continue; // only what lint accepts is promised to resolve
      const description = await evaluateImage(src, { signal });
      for (const [name, items] of Object.entries(arrays)) {
        assert.deepEqual(description.arrays[name], { kind: 'array', items }, `seed ${seed}: ${name}`);
      }
      await checkDescription(description, src, path.join(await scratch.dir('out'), 'img'));
      resolved++;
    }
    assert.ok(resolved >= 4, `only ${resolved} of 6 samples passed lint: the generator must make valid image.sh files`);
  });

  it('captures 240,000 top-level variables in one linear pass, with progress', async () => {
    const lines = ['img_name=many.tar'];
    for (let i = 0; i < 240_000; i++) lines.push(`v${i}=${i}`);
    lines.push('do_install() { :; }', '');
    const src = await project(scratch, lines.join('\n'));
    const progress: string[] = [];
    const description = await evaluateImage(src, { signal, onLine: (_s, t) => void progress.push(t) });
    assert.match(description.definitions, /^declare -- v239999="239999"$/m);
    assert.equal(description.definitions.match(/^declare -- v\d+=/gm)?.length, 240_000);
    assert.ok(
      progress.some((l) => /captured 200000 of \d+ names/.test(l)),
      progress.join('\n'),
    );
  });
});

describe('makeimg resolve: image.sh cannot defeat the drivers (real systemd-nspawn)', function () {
  this.timeout(120_000);
  const scratch = Scratch.forRootSuite();

  it('fails when a top-level exit at install time keeps do_install from running (no "Built", no image)', async () => {
    const src = await tinyProject(scratch, 'exit.tar', '[[ -v img_dir ]] && exit 0\n');
    const base = path.join(await scratch.dir('out'), 'img');
    const r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, EXIT.BUILD_FAILED, r.stderr);
    assert.match(errorEvent(r)!.message, /do_install did not run to its end/);
    await assert.rejects(fs.access(path.join(base, 'exit.tar')));
  });

  it("keeps makeimg's img_dir when image.sh declares readonly img_dir=/etc", async () => {
    const src = await tinyProject(
      scratch,
      'ro.tar',
      [
        'readonly img_dir=/etc',
        'eval "tiny_$(declare -f do_install)"',
        'do_install() { tiny_do_install; echo "$img_dir" > "$img_dir/etc/where"; }',
      ].join('\n'),
    );
    const base = path.join(await scratch.dir('out'), 'img');
    const r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, EXIT.OK, r.stderr + JSON.stringify(errorEvent(r)));
    const where = execFileSync('tar', ['-xOf', path.join(base, 'ro.tar'), './etc/where'], { encoding: 'utf8' }).trim();
    assert.equal(where, path.join(base, 'ro'));
  });
});
