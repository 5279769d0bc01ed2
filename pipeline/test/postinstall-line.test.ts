/**
 * A failing do_postinstall names the image.sh line of the failing command,
 * with real bash inside a real rootfs (systemd-nspawn -D): one tiny rootfs is
 * built once, then each image.sh is evaluated (confined, as in a build) and
 * its do_postinstall run in that rootfs. Also: what the rootfs gets is only
 * the definitions, never image.sh's top level or the provided paths; and
 * do_install failures are reported the same way.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DO_INSTALL, DO_POSTINSTALL } from '../../shared/contract';
import { EXIT } from '../../shared/events';
import { StageFailedError } from '../src/errors';
import { evaluateImage } from '../src/stages/evaluate';
import { runInstall, runPostinstall } from '../src/stages/hooks';
import { MountHolder } from '../src/confine/held-dirs';
import { imagePaths } from '../src/image-paths';
import { errReportCollector, failingReport, locateFailure, parseErrReport } from '../src/confine/err-reports';
import { originalsFile } from '../src/confine/postinstall-lines';
import { ORIGINALS_PATH } from '../src/confine/control-dir';
import { project, Scratch, tinyProject } from './support/projects';
import { errorEvent, runMakeimg } from './support/run-makeimg';

/** 1-based line of the only line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const lines = text.split('\n');
  const found = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  assert.equal(found.length, 1, `${needle} must be on exactly one line`);
  return found[0]!;
}

interface PostinstallRun {
  error?: StageFailedError;
  stdout: string[];
  stderr: string[];
  /** What image.sh's top level printed during the evaluation. */
  evaluationOutput: string[];
  /** Functions passed in with their original text. */
  originals: string[];
}

describe('do_postinstall failures name the image.sh line (real systemd-nspawn)', function () {
  this.timeout(60_000);
  const scratch = Scratch.forRootSuite();
  let rootfs: string;

  before(async function () {
    this.timeout(180_000); // a whole build, on a machine that may be busy
    const src = await tinyProject(scratch, 'rootfs');
    const base = path.join(await scratch.dir('out'), 'img');
    const r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, EXIT.OK, r.stderr);
    rootfs = path.join(base, 'rootfs');
  });

  /** Evaluate image.sh as a build does, then run its do_postinstall in the prebuilt rootfs. */
  async function postinstall(imageSh: string): Promise<PostinstallRun> {
    const srcDir = await project(scratch, imageSh);
    const signal = new AbortController().signal;
    const evaluationOutput: string[] = [];
    const description = await evaluateImage(srcDir, { signal, onLine: (_s, t) => void evaluationOutput.push(t) });
    const run: PostinstallRun = { stdout: [], stderr: [], evaluationOutput, originals: description.originals.map((o) => o.name).sort() };
    // The build reaches $img_dir only as held (held-dirs.ts).
    const holder = await MountHolder.start();
    try {
      const held = await holder.hold(rootfs, rootfs, 'img', { noFollow: true, check: () => undefined });
      await runPostinstall({
        srcDir,
        paths: { ...imagePaths(path.dirname(rootfs), path.basename(rootfs)) },
        held,
        holder,
        description,
        env: {},
        signal,
        onLine: (stream, text) => void run[stream].push(text),
      });
    } catch (e) {
      if (!(e instanceof StageFailedError)) throw e;
      run.error = e;
    } finally {
      await holder.stop();
    }
    return run;
  }

  it('names the failing command inside a helper, and the call chain', async () => {
    const sh = `img_name=x
do_install() { :; }

# The hook, brace on its own line.
do_postinstall()
{
    echo start
    middle          # CALL-MIDDLE
}

function middle {
    inner 2>/dev/null   # CALL-INNER (the report survives the hook's own redirection)
}

inner() {
    # a comment and a blank line

    echo in-inner
    ls /no-such-file     # FAILS
    echo not-reached
}
`;
    const r = await postinstall(sh);
    assert.ok(r.error, 'do_postinstall must fail');
    assert.equal(r.error.line, lineOf(sh, '# FAILS'));
    assert.equal(r.error.file, path.join(path.dirname(r.error.file!), 'image.sh'));
    assert.equal(
      r.error.message,
      `${DO_POSTINSTALL} failed (exit 2) running \`ls /no-such-file\` in inner, called from middle at line ${lineOf(sh, 'CALL-INNER')}, ` +
        `from ${DO_POSTINSTALL} at line ${lineOf(sh, 'CALL-MIDDLE')}`,
    );
    assert.deepEqual(r.stdout, ['start', 'in-inner']);
    assert.ok(!r.stderr.some((l) => l.startsWith('makeimg-err-')), `the trap's report is not hook output: ${r.stderr.join('\n')}`);
  });

  it('names a failing command of do_postinstall itself, in a command substitution, without a chain', async () => {
    // image.sh's own shell options must not disturb the evaluation.
    const sh = `set -euo pipefail
img_name=x
do_install() { :; }
do_postinstall() {
    local ignored=$(false)   # a failure the hook survives (local hides it)
    local v
    v=$(echo ok)
    v=$(false)   # FAILS
    echo "$v"
}
`;
    const r = await postinstall(sh);
    assert.equal(r.error?.line, lineOf(sh, '# FAILS'));
    assert.equal(r.error?.message, `${DO_POSTINSTALL} failed (exit 1) running \`false\``);
  });

  it('names the failing command of a helper run in a command substitution', async () => {
    const sh = `img_name=x
do_install() { :; }
do_postinstall() {
    local v
    v=$(produce)   # CALL
}
produce() {
    echo partial
    cat /no-such-file   # FAILS
}
`;
    const r = await postinstall(sh);
    assert.equal(r.error?.line, lineOf(sh, '# FAILS'));
    // The cause: the hook's last stderr lines (issue 12 §3).
    assert.equal(
      r.error?.message,
      `${DO_POSTINSTALL} failed (exit 1) running \`cat /no-such-file\` in produce, called from ${DO_POSTINSTALL} at line ${lineOf(sh, '# CALL')}: ` +
        'cat: /no-such-file: No such file or directory',
    );
  });

  it("names no line but the hook's when it ends with exit after surviving a failure", async () => {
    const sh = `img_name=x
do_install() { :; }
do_postinstall() {   # HOOK
    false || true
    local ignored=$(false)
    exit 4
}
`;
    const r = await postinstall(sh);
    assert.equal(r.error?.line, lineOf(sh, '# HOOK'));
    assert.equal(r.error?.message, `${DO_POSTINSTALL} failed (exit 4)`);
  });

  it('uses the definition that won, and one inside a top-level if', async () => {
    const sh = `img_name=x
do_install() { :; }
helper() {
    true    # OLD DEFINITION
}
if true; then
    helper() {
        echo second
        false   # FAILS
    }
fi
do_postinstall() {
    helper
}
`;
    const r = await postinstall(sh);
    assert.equal(r.error?.line, lineOf(sh, '# FAILS'));
    assert.deepEqual(r.stdout, ['second']);
  });

  it('falls back to the call site for a function not written as a plain definition', async () => {
    const sh = `img_name=x
do_install() { :; }
eval 'made_by_eval() { false; }'
one_liner() { false; }; echo TOP-LEVEL-ON-THE-SAME-LINE
shopt -s expand_aliases
alias say=echo
# Its text says "say", its definition (aliases expand when parsed) "echo".
uses_alias() { say from-alias; }
do_postinstall() {
    uses_alias
    made_by_eval   # CALL-EVAL
}
`;
    const r = await postinstall(sh);
    assert.equal(r.error?.line, lineOf(sh, 'CALL-EVAL'));
    assert.equal(
      r.error?.message,
      `${DO_POSTINSTALL} failed (exit 1) running \`false\` in made_by_eval (line unknown), called from ${DO_POSTINSTALL} at line ${lineOf(sh, 'CALL-EVAL')}`,
    );
    assert.deepEqual(r.originals, ['do_install', DO_POSTINSTALL]);
    assert.deepEqual(r.stdout, ['from-alias']);
    assert.ok(r.evaluationOutput.includes('TOP-LEVEL-ON-THE-SAME-LINE'), 'the top level ran during the evaluation');
    assert.ok(!r.stdout.includes('TOP-LEVEL-ON-THE-SAME-LINE'), 'the top level must not run in the rootfs');
  });

  it('gives the rootfs only the definitions at their lines: no top-level code, no provided paths', async () => {
    const sh = `img_name=x
echo TOP-LEVEL-RAN
greeting=hello
do_install() { :; }
do_postinstall() {
    echo "$greeting \${src_dir-no-src_dir} \${img_dir-no-img_dir} \${img_path-no-img_path}"
    cat ${ORIGINALS_PATH}
}
`;
    const r = await postinstall(sh);
    assert.equal(r.error, undefined, r.stderr.join('\n'));
    assert.equal(r.stdout[0], 'hello no-src_dir no-img_dir no-img_path');
    const passed = r.stdout.slice(1);
    const lines = sh.split('\n');
    // Exactly the two definitions' text at their lines, blank lines elsewhere.
    const installLine = lineOf(sh, 'do_install() {');
    const hookLine = lineOf(sh, 'do_postinstall() {');
    const hookEnd = hookLine + 3;
    const kept = (n: number): boolean => n === installLine || (n >= hookLine && n <= hookEnd);
    assert.deepEqual(
      passed,
      lines.slice(0, hookEnd).map((l, i) => (kept(i + 1) ? l : '')),
    );
    assert.ok(r.evaluationOutput.includes('TOP-LEVEL-RAN'));
    assert.ok(!r.stdout.includes('TOP-LEVEL-RAN'));
  });

  it('reports do_install failures the same way (image.sh sourced from its real path)', async () => {
    const sh = `img_name=x
do_install() {
    local ignored=$(false)
    prepare   # CALL
}
prepare() {
    mkdir -p "$img_dir/etc"
    cp /no-such-file "$img_dir/etc/"   # FAILS
}
`;
    const srcDir = await project(scratch, sh);
    const signal = new AbortController().signal;
    const description = await evaluateImage(srcDir, { signal });
    const paths = imagePaths(await scratch.dir('install'), 'x');
    await fs.mkdir(paths.imgDir);
    const holder = await MountHolder.start();
    const held = await holder.hold(paths.imgDir, paths.imgDir, 'img', { noFollow: true, check: () => undefined });
    const error = await runInstall({ srcDir, paths, held, holder, description, env: {}, signal, onLine: () => undefined })
      .then(
        () => assert.fail('do_install must fail'),
        (e: unknown) => e as StageFailedError,
      )
      .finally(() => holder.stop());
    assert.equal(error.line, lineOf(sh, '# FAILS'));
    assert.equal(error.file, path.join(srcDir, 'image.sh'));
    assert.equal(
      error.message,
      `${DO_INSTALL} failed (exit 1) running \`cp /no-such-file "$img_dir/etc/"\` in prepare, called from ${DO_INSTALL} at line ${lineOf(sh, '# CALL')}: ` +
        "cp: cannot stat '/no-such-file': No such file or directory",
    );
  });

  it('reports the line through the CLI as the error event of the postinstall stage', async () => {
    const append = `do_postinstall() {
    echo "root:x:0:0:root:/root:/bin/bash" > /etc/passwd
    cat /etc/no-such-file   # FAILS
}`;
    const src = await tinyProject(scratch, 'cli', append);
    const base = path.join(await scratch.dir('out'), 'img');
    const r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, EXIT.BUILD_FAILED, r.stderr);
    const e = errorEvent(r)!;
    const text = await fs.readFile(path.join(src, 'image.sh'), 'utf8');
    assert.equal(e.stage, 'postinstall');
    assert.equal(e.file, path.join(src, 'image.sh'));
    assert.equal(e.line, lineOf(text, '# FAILS'));
  });
});

describe('postinstall line mapping (pure logic)', () => {
  it('places definitions at their lines and leaves out one nested in a definition placed before', () => {
    const file = originalsFile([
      { name: 'b', line: 5, text: 'b() {\n  :\n}' },
      { name: 'a', line: 2, text: 'a() {\n  inner() { :; }\n}' },
      { name: 'inner', line: 3, text: '  inner() { :; }' },
    ]);
    assert.equal(file, '\na() {\n  inner() { :; }\n}\nb() {\n  :\n}\n');
    assert.equal(originalsFile([]), undefined);
  });

  const DRIVER = '/run/makeimg/driver.sh';
  /** A report line as the trap writes it: frames as [func, file, line]. */
  const reportLine = (subshell: number, ...frames: [string, string, number][]): string =>
    ['m', '1', String(subshell), 'false', ...frames.flat().map(String)].join('\t');

  it('reads only reports with its marker, and maps only frames in the generated file', () => {
    assert.equal(parseErrReport('makeimg-err-x\t1\t0', 'makeimg-err-y'), undefined);
    assert.equal(parseErrReport('plain output', 'm'), undefined);
    const r = parseErrReport(reportLine(0, ['inner', ORIGINALS_PATH, 9], ['do_postinstall', DRIVER, 4], ['main', DRIVER, 20]), 'm');
    assert.deepEqual(locateFailure(r, DO_POSTINSTALL, ORIGINALS_PATH), {
      line: 9,
      where: 'in inner, called from do_postinstall',
      command: 'false',
    });
    assert.deepEqual(locateFailure(undefined, DO_POSTINSTALL, ORIGINALS_PATH), { line: undefined, where: '', command: undefined });
  });

  it('follows the reports of one failure into subshells and skips failures the hook survived', () => {
    const parse = (l: string) => parseErrReport(l, 'm')!;
    const main: [string, string, number] = ['main', DRIVER, 20];
    const hook = (line: number): [string, string, number] => [DO_POSTINSTALL, ORIGINALS_PATH, line];
    // v=$(helper) on line 13, helper fails on line 5: as bash reports it.
    const nested = [
      parse(reportLine(1, ['helper', ORIGINALS_PATH, 5], hook(13), main)),
      parse(reportLine(1, hook(13), main)),
      parse(reportLine(0, hook(13), main)),
    ];
    assert.equal(failingReport(nested), nested[0]);
    // local v=$(false) on line 8 survived; ls fails on line 10.
    const stale = [parse(reportLine(1, hook(8), main)), parse(reportLine(0, hook(10), main))];
    assert.equal(failingReport(stale), stale[1]);
    // The hook ended by exit after a survived failure: no report of its own.
    assert.equal(failingReport([stale[0]!]), undefined);
    assert.equal(failingReport([]), undefined);
  });

  it("names the failing command from the trap's escaped text: one line, cut when long", () => {
    const report = (command: string) => parseErrReport(['m', '1', '0', command, 'do_install', 'image.sh', '3'].join('\t'), 'm');
    const located = (command: string) => locateFailure(report(command), DO_INSTALL, 'image.sh').command;
    assert.equal(located('cp /nonexistent/file "$img_dir/etc/"'), 'cp /nonexistent/file "$img_dir/etc/"');
    assert.equal(report('printf \\\\t\\tx')?.command, 'printf \\t\tx');
    assert.equal(located('cat <<EOF\\nline\\nEOF'), 'cat <<EOF ...');
    assert.equal(located('x'.repeat(200)), `${'x'.repeat(120)} ...`);
    assert.equal(located(''), undefined);
  });

  it("takes a marked line after the line break the driver writes before it, keeping the hook's own empty lines", () => {
    const passed: string[] = [];
    const c = errReportCollector('m', (stream, text) => void passed.push(`${stream}:${text}`));
    // The hook's stderr: "a", an empty line, then "partial" without a line break; then the driver's "\nm<TAB>..." lines.
    for (const line of ['a', '', 'partial', reportLine(0, ['do_install', DRIVER, 3]), '', 'm\tdone']) void c.onLine('stderr', line);
    void c.onLine('stdout', 'out');
    assert.deepEqual(passed, ['stderr:a', 'stderr:', 'stderr:partial', 'stdout:out']);
    assert.equal(c.reports.length, 1);
    assert.equal(c.hookReturned(), true);
    assert.deepEqual(c.stderrTail, ['a', 'partial']);
  });
});
