/**
 * Scenario 18 (issue 15's proof: "the findings appear in Problems with a
 * working quick fix"). As the unprivileged makeimg-test user (pkexec, as in
 * build.e2e.ts): a build of an image.sh whose image keeps a machine id
 * (fixtures/findings, examples/tiny cut down) lists MKIMG101 in Problems on
 * image.sh's img_name line; the quick fix, applied as a user does (Ctrl+.
 * on that line), appends `: > /etc/machine-id` to do_postinstall; the
 * second build is refused (the image exists) and the finding stays, Rebuild
 * makes a clean image and the finding leaves Problems. The archive is read
 * by tar from outside VS Code before and after.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../shared/ids-and-settings';
import { commandTitle, EXTENSION_ID, useVSCode } from './harness';
import { fixturesDir, repoRoot, resultsDir } from './paths';
import { archiveFile, archiveMembers } from './system';
import { isBuildFinished, isBuildRunning, waitFor } from './workbench';

const BUILD_COMMAND = commandTitle(COMMANDS.buildImage);
/** client/src/image/report-diagnostics.ts IMAGE_DIAGNOSTIC_SOURCE (that module needs 'vscode'). */
const IMAGE_DIAGNOSTIC_SOURCE = 'makeimg image';
/** The finding of the fixture's image and its fix (pipeline/src/report/hygiene.ts). */
const CODE = 'MKIMG101';
const FIX = ': > /etc/machine-id';
const FIX_TITLE = `Append to do_postinstall: ${FIX}`;
const MACHINE_ID = '0123456789abcdef0123456789abcdef\n';

/** The body of `name() { ... }` in image.sh text (the lines between the opening and the closing brace). */
function functionBody(lines: string[], name: string): string[] | undefined {
  const start = lines.findIndex((l) => l.trim() === `${name}()`);
  if (start < 0 || lines[start + 1]?.trim() !== '{') return undefined;
  const end = lines.findIndex((l, i) => i > start && l === '}');
  return end < 0 ? undefined : lines.slice(start + 2, end);
}

describe('e2e: image hygiene findings in VS Code (issue 15): Problems, the quick fix, a clean rebuild', function () {
  before(function () {
    if (process.getuid?.() !== 0) throw new Error('the findings scenario must run as root (it starts VS Code as makeimg-test, who builds)');
  });

  const s = useVSCode({
    fixture: 'findings',
    user: 'makeimg-test',
    extraFolders: { files: join(repoRoot, 'examples', 'tiny', 'files') },
  });
  const statusNow = () => s.wb.buildStatus();
  const findings = async () => (await s.wb.problemsByFile()).filter((p) => p.text.includes(IMAGE_DIAGNOSTIC_SOURCE));

  it('18. a machine id in the image: MKIMG101 in Problems on img_name, the quick fix appends the fix to do_postinstall, Rebuild clears it', async function () {
    this.timeout(420_000);
    const imageSh = join(s.workspace, 'image.sh');
    const image = join(s.workspace, 'img', 'tiny.tar.gz');
    const original = readFileSync(join(fixturesDir, 'findings', 'image.sh'), 'utf8');
    const imgNameLine = original.split('\n').findIndex((l) => l.startsWith('img_name=')) + 1;

    await s.wb.openFile('image.sh');
    const built = await s.wb.runBuild(BUILD_COMMAND);
    assert.ok(built?.icons.includes('check'), `the build succeeded: ${JSON.stringify(built)}\n${s.server.outputChannel(EXTENSION_ID)}`);
    assert.equal(archiveFile(image, 'etc/machine-id'), MACHINE_ID, 'the image keeps the machine id do_install wrote');

    // The finding in Problems: under image.sh, on the img_name line, with its code and source.
    const listed = await waitFor('the finding in Problems', findings, (f) => f.some((p) => p.text.includes(CODE)), 30_000);
    assert.equal(listed.length, 1, `one finding: ${JSON.stringify(listed)}`);
    const [finding] = listed;
    assert.equal(finding!.file, 'image.sh', `listed under image.sh: ${JSON.stringify(finding)}`);
    assert.ok(finding!.text.includes('/etc/machine-id is set'), `says what was found: ${finding!.text}`);
    assert.ok(finding!.text.includes(`${IMAGE_DIAGNOSTIC_SOURCE} ${CODE}`), `source and code: ${finding!.text}`);
    assert.match(finding!.text, new RegExp(`\\[Ln ${imgNameLine}, Col 1\\]`), `on the img_name line ${imgNameLine}: ${finding!.text}`);
    await s.wb.screenshot(join(resultsDir, 'scenario-18-problems.png'));

    // The quick fix, as a user applies it: Ctrl+. on the img_name line, the action picked by its title.
    const offered = await s.wb.quickFixesAt(imgNameLine, 1);
    assert.ok(offered.includes(FIX_TITLE), `the quick fix is offered: ${JSON.stringify(offered)}`);
    await s.wb.applyQuickFix(FIX_TITLE);
    // The editor shows the end of the file (do_postinstall is the last function).
    await s.wb.goTo(original.trimEnd().split('\n').length + 1, 1);
    const body = await waitFor(
      'the fix at the end of do_postinstall in the editor',
      async () => functionBody(await s.wb.editorLines(), 'do_postinstall'),
      (b) => b?.at(-1) === `    ${FIX}`,
      15_000,
    );
    assert.deepEqual(body, [...functionBody(original.split('\n'), 'do_postinstall')!, `    ${FIX}`], 'only the fix was added');
    await s.wb.goTo(1, 1);
    await s.wb.page.keyboard.press('Control+S');
    await waitFor(
      'image.sh saved with the fix',
      async () => readFileSync(imageSh, 'utf8'),
      (t) => t.includes(`\n    ${FIX}\n`),
      10_000,
    );
    const saved = readFileSync(imageSh, 'utf8');
    assert.equal(saved.replace(`    ${FIX}\n`, ''), original, 'the file on disk differs by the fix line only');
    assert.deepEqual(functionBody(saved.split('\n'), 'do_postinstall')?.at(-1), `    ${FIX}`, 'on disk, inside do_postinstall');

    // The second build is refused (the image exists): the image is unchanged, so its finding stays.
    await s.wb.runCommand(BUILD_COMMAND);
    await waitFor(
      'the refusal',
      () => s.wb.notifications(),
      (n) => n.some((m) => /already exists; rebuild with --force/.test(m)),
      60_000,
    );
    await waitFor('the refused build to end', statusNow, (i) => !isBuildRunning(i), 30_000);
    const kept = await findings();
    assert.ok(
      kept.some((p) => p.text.includes(CODE)),
      `the refused build did not change the image: its finding stays in Problems: ${JSON.stringify(kept)}`,
    );

    // Rebuild: a new image, made with the fix, and the finding leaves Problems.
    await s.wb.clickNotificationButton(/already exists/, 'Rebuild');
    await waitFor('the forced build to start', statusNow, isBuildRunning, 30_000);
    const rebuilt = await waitFor('the forced build to finish', statusNow, isBuildFinished, 200_000);
    assert.ok(
      rebuilt?.icons.includes('check'),
      `the rebuild succeeded: ${JSON.stringify(rebuilt)}\n${s.server.outputChannel(EXTENSION_ID)}`,
    );
    await waitFor('the finding to leave Problems', findings, (f) => f.length === 0, 30_000);
    await s.wb.screenshot(join(resultsDir, 'scenario-18-fixed.png'));

    // From outside VS Code: the new image's machine id is empty (systemd fills it at first boot).
    assert.ok(archiveMembers(image).includes('etc/machine-id'), 'the image still has /etc/machine-id');
    assert.equal(archiveFile(image, 'etc/machine-id'), '', 'the fix emptied /etc/machine-id in the image');
  });
});
