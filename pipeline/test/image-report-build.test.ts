/**
 * The build report of real builds of examples/tiny: the `report` event and
 * the human summary, numbers against find(1) on a directory image, the same
 * report from `makeimg inspect` of the archive, image_checks_disable and
 * `# makeimg-disable` comments, and `--strict`.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ReportEvent } from '../../shared/events';
import { Scratch, tinyProject } from './support/projects';
import { resultEvent, runMakeimg, type MakeimgResult } from './support/run-makeimg';

function reportEvent(r: MakeimgResult): ReportEvent | undefined {
  return r.events.find((e): e is ReportEvent => e.type === 'report');
}

/** examples/tiny, whose do_install also leaves a temporary file and do_postinstall a shell history. */
async function leftoversProject(scratch: Scratch, imgName: string, extra = ''): Promise<string> {
  const dir = await tinyProject(scratch, imgName);
  const file = path.join(dir, 'image.sh');
  const text = await fs.readFile(file, 'utf8');
  const hostnameLine = '    echo "tiny" > /etc/hostname\n';
  const tmpLine = '    chmod 1777 "$img_dir/tmp"\n';
  assert.ok(text.includes(hostnameLine) && text.includes(tmpLine), 'examples/tiny/image.sh changed: update this test');
  await fs.writeFile(
    file,
    extra +
      text
        .replace(tmpLine, `${tmpLine}    echo build > "$img_dir/tmp/leftover"\n`)
        .replace(hostnameLine, `${hostnameLine}    echo ls > /root/.bash_history\n`),
  );
  return dir;
}

describe('build report of real builds (examples/tiny)', function () {
  this.timeout(180_000);
  const scratch = Scratch.forRootSuite();

  it('reports a directory image with the numbers find(1) gives, on the img_name line', async () => {
    const src = await tinyProject(scratch, 'tiny');
    const base = await scratch.dir('img');
    const r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, 0, r.stderr);
    const e = reportEvent(r)!;
    assert.ok(e, 'a report event');
    assert.equal(e.imgPath, path.join(base, 'tiny'));
    assert.equal(e.file, path.join(src, 'image.sh'));
    const lines = (await fs.readFile(e.file!, 'utf8')).split('\n');
    assert.match(lines[e.line! - 1]!, /^img_name=tiny$/);
    const root = path.join(base, 'tiny');
    const total = execFileSync('sh', ['-c', `find "$1" -type f -printf '%i %s\\n' | sort -u | awk '{n += $2} END {print n}'`, 'sh', root])
      .toString()
      .trim();
    assert.equal(e.report.totalBytes, Number(total));
    assert.equal(resultEvent(r)!.bytes, Number(total));
    const files = execFileSync('sh', ['-c', 'find "$1" -type f | wc -l', 'sh', root]).toString().trim();
    assert.equal(e.report.counts.files, Number(files));
    const usr = execFileSync('sh', ['-c', `find "$1/usr" -type f -printf '%i %s\\n' | sort -u | awk '{n += $2} END {print n}'`, 'sh', root])
      .toString()
      .trim();
    assert.equal(e.report.byTopDir.find((s) => s.path === '/usr')?.bytes, Number(usr));
    assert.deepEqual(
      e.report.capabilities.map((c) => [c.path, c.capabilities]),
      [['/usr/bin/bash-net', 'cap_net_bind_service=ep']],
    );
    assert.deepEqual(e.report.findings, [], JSON.stringify(e.report.findings, null, 1));
    // The order of the stream: the report after the archive stage, before the result.
    const types = r.events.map((x) => x.type);
    assert.ok(types.indexOf('report') < types.indexOf('result'));
  });

  it('makeimg inspect of the archive gives the report the build gave', async () => {
    const src = await tinyProject(scratch, 'tiny.tar.zst');
    const base = await scratch.dir('img');
    const r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, 0, r.stderr);
    const inspected = await runMakeimg(['inspect', '--json', path.join(base, 'tiny.tar.zst')]);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.deepEqual(reportEvent(inspected)!.report, reportEvent(r)!.report);
  });

  it('shows the summary with a size chart and the findings in the human output', async () => {
    const src = await leftoversProject(scratch, 'tiny.tar.gz');
    const base = await scratch.dir('img');
    const r = await runMakeimg(['--directory', src, base]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Image: [\d.]+ MiB in \d+ files/);
    assert.match(r.stdout, /\/usr +█+ +[\d.]+ MiB +\d+%/);
    assert.match(r.stdout, /Hygiene: 2 findings/);
    assert.match(r.stdout, /MKIMG109 temporary files left: \/tmp\/leftover/);
    assert.match(r.stdout, /fix \(in do_install\): rm -rf "\$img_dir\/tmp\/leftover"/);
    assert.match(r.stdout, /MKIMG110 shell history left: \/root\/.bash_history/);
  });

  it('the fixes really clean the image: each pasted at the end of the hook it names, the rebuild has no finding', async () => {
    const src = await tinyProject(scratch, 'tiny.tar.gz');
    const file = path.join(src, 'image.sh');
    const text = await fs.readFile(file, 'utf8');
    const tmpLine = '    chmod 1777 "$img_dir/tmp"\n';
    assert.ok(text.includes(tmpLine), 'examples/tiny/image.sh changed: update this test');
    // A machine id (MKIMG101) and a file in /tmp (MKIMG109), both left by do_install. (Fixes that need
    // rm in do_postinstall cannot run in tiny, which has only bash, cat and ls.)
    await fs.writeFile(
      file,
      text.replace(
        tmpLine,
        `${tmpLine}    echo build > "$img_dir/tmp/leftover"\n    echo 0123456789abcdef0123456789abcdef > "$img_dir/etc/machine-id"\n`,
      ),
    );
    const base = await scratch.dir('img');
    const first = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(first.code, 0, first.stderr);
    const findings = reportEvent(first)!.report.findings;
    assert.deepEqual(
      findings.map((f) => [f.code, f.hook]),
      [
        ['MKIMG101', 'do_postinstall'],
        ['MKIMG109', 'do_install'],
      ],
    );
    // Each fix as the last lines of its hook (what the editor's quick fix does).
    let fixed = await fs.readFile(file, 'utf8');
    for (const f of findings) {
      const start = fixed.indexOf(`\n${f.hook}()\n{\n`);
      const end = fixed.indexOf('\n}\n', start);
      assert.ok(start >= 0 && end > start, f.hook);
      fixed = `${fixed.slice(0, end)}\n    ${f.fix}${fixed.slice(end)}`;
    }
    await fs.writeFile(file, fixed);
    const second = await runMakeimg(['--json', '--force', '--directory', src, base]);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(reportEvent(second)!.report.findings, []);
    const image = path.join(base, 'tiny.tar.gz');
    const members = execFileSync('tar', ['-tzf', image], { encoding: 'utf8' }).split('\n');
    assert.ok(members.includes('./tmp/') && !members.some((m) => m.startsWith('./tmp/leftover')), members.join(' '));
    assert.equal(execFileSync('tar', ['-xzOf', image, './etc/machine-id'], { encoding: 'utf8' }), '');
  });

  it('--strict fails on a finding and keeps the image; # makeimg-disable and image_checks_disable silence codes', async () => {
    const base = await scratch.dir('img');
    const strict = await runMakeimg([
      '--json',
      '--strict',
      '--directory',
      await leftoversProject(scratch, 'a.tar.gz', '# makeimg-disable=MKIMG110\n'),
      base,
    ]);
    assert.equal(strict.code, 1, strict.stderr);
    const e = reportEvent(strict)!;
    assert.deepEqual(
      e.report.findings.map((f) => f.code),
      ['MKIMG109'],
    );
    assert.deepEqual(e.report.suppressed, [{ code: 'MKIMG110', findings: 1 }]);
    const error = strict.events.find((x) => x.type === 'error');
    assert.match(error?.type === 'error' ? error.message : '', /--strict: the image has 1 hygiene finding\(s\) \(MKIMG109\)/);
    const result = resultEvent(strict)!;
    assert.equal(result.ok, false);
    assert.deepEqual(result.kept, [path.join(base, 'a.tar.gz')]);
    await fs.access(path.join(base, 'a.tar.gz'));

    const silenced = await leftoversProject(scratch, 'b.tar.gz', '# makeimg-disable MKIMG110\nimage_checks_disable=(MKIMG109)\n');
    const ok = await runMakeimg(['--json', '--strict', '--directory', silenced, base]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(reportEvent(ok)!.report.findings, []);
    assert.deepEqual(
      reportEvent(ok)!
        .report.suppressed.map((s) => s.code)
        .sort(),
      ['MKIMG109', 'MKIMG110'],
    );
  });
});
