/** `makeimg check`: static rules plus the confined evaluation, and the resolved paths; nothing is built. */
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT } from '../../shared/events';
import { project, Scratch, tinyProject } from './support/projects';
import { runMakeimg } from './support/run-makeimg';

describe('makeimg check', function () {
  this.timeout(30_000);
  const scratch = Scratch.forRootSuite();

  it('validates a good image.sh and prints the resolved paths without building', async () => {
    const src = await tinyProject(scratch, 'tiny.tar.xz');
    const base = path.join(await scratch.dir('out'), 'images');
    const r = await runMakeimg(['check', '--directory', src, base]);
    assert.equal(r.code, EXIT.OK, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^img_path: +${path.join(base, 'tiny.tar.xz')}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^img_dir: +${path.join(base, 'tiny')}$`, 'm'));
    assert.match(r.stdout, /^do_postinstall: line \d+$/m);
    assert.match(r.stdout, /^preinstall: files\/motd -> etc\/motd$/m);
    assert.match(r.stdout, /image.sh is valid/);
    assert.equal(existsSync(base), false);
  });

  it('reports problems of the confined evaluation and the static rules with exit 2', async () => {
    const src = await project(scratch, 'img_name=x.tar.gz\npreinstall_files_src=(a b)\npreinstall_files_dst=(a)\n');
    const r = await runMakeimg(['check', '--json', '--directory', src]);
    assert.equal(r.code, EXIT.INVALID);
    const report = JSON.parse(r.stdout) as { ok: boolean; problems: { message: string }[]; findings: { code: string; message: string }[] };
    assert.equal(report.ok, false);
    // The confined evaluation finds do_install missing and the pair lengths too: one verdict each, in the rules' words.
    const verdicts = [...report.findings.map((f) => `${f.code} ${f.message}`), ...report.problems.map((p) => p.message)];
    assert.equal(verdicts.filter((v) => /does not define do_install\(\)/.test(v)).length, 1, verdicts.join('\n'));
    assert.ok(report.findings.some((f) => f.code === 'MKIMG003'));
    assert.ok(
      report.findings.some(
        (f) => f.code === 'MKIMG004' && /preinstall_files_src has 2 elements but preinstall_files_dst has 1/.test(f.message),
      ),
    );
    assert.deepEqual(
      report.problems.filter((p) => /MKIMG00[34]/.test(p.message)),
      [],
    );
  });

  it('reports a missing img_name once, in the words of the rule (MKIMG001), not again from the confined evaluation', async () => {
    const src = await project(scratch, 'do_install() { mkdir -p "$img_dir"; }\n');
    const r = await runMakeimg(['check', '--directory', src]);
    assert.equal(r.code, EXIT.INVALID);
    const mentions = r.stdout.split('\n').filter((line) => /img_name/.test(line) && !/^img_/.test(line));
    assert.equal(mentions.length, 1, r.stdout);
    assert.match(mentions[0], /error MKIMG001 image\.sh does not set img_name, the file name of the image/);
  });

  it('as non-root says what was and was not checked, with exit 3 (not "valid")', async function () {
    this.timeout(120_000);
    // Readable by nobody: the scratch directory is root's.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-check-nonroot-'));
    await fs.chmod(dir, 0o755);
    await fs.cp(path.join(await tinyProject(scratch, 'tiny.tar'), 'image.sh'), path.join(dir, 'image.sh'));
    await fs.chmod(path.join(dir, 'image.sh'), 0o644);
    try {
      const r = await runMakeimg(['check', '--directory', dir], { asUid: 65534 });
      assert.equal(r.code, EXIT.UNCHECKED, r.stdout + r.stderr);
      assert.match(r.stdout, /^checked: the static rules \(as makeimg lint\), no errors$/m);
      assert.match(r.stdout, /^not checked: the confined evaluation .*it needs root: sudo makeimg check$/m);
      assert.doesNotMatch(r.stdout, /is valid/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('wires makeimg lint FILES to the language server rules, and answers --version', async function () {
    this.timeout(120_000); // three makeimg processes, each running ShellCheck too
    const good = path.join(await tinyProject(scratch, 'tiny.tar'), 'image.sh');
    const bad = path.join(await project(scratch, 'img_name=x.tar\n'), 'image.sh');
    const ok = await runMakeimg(['lint', good]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const r = await runMakeimg(['lint', good, bad]);
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, new RegExp(`${bad}:\\d+:\\d+: error MKIMG\\d+`));
    const v = await runMakeimg(['--version']);
    assert.match(v.stdout, /^makeimg \d+\.\d+\.\d+\n$/);
  });
});
