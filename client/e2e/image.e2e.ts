/**
 * Scenario 12 (issue 15 §3): the built image in a real VS Code. After a
 * build of examples/tiny (as the unprivileged makeimg-test user, through
 * pkexec as in build.e2e.ts): the img_name hover links the image; "makeimg:
 * Open Image" shows the image's tree in the Explorer (the makeimg-image:
 * file system over the .tar.gz, read once, nothing extracted); a file opens
 * from it read-only; "makeimg: Go to File in Image..." finds a file by
 * name; "makeimg: Show Image Report" shows the report. Contents are checked
 * against the archive read by tar from outside VS Code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../shared/ids-and-settings';
import { commandTitle, EXTENSION_ID, useVSCode } from './harness';
import { repoRoot, resultsDir } from './paths';
import { archiveFile, archiveMembers } from './system';
import { waitFor } from './workbench';

const IMAGE_FOLDER = 'image: tiny.tar.gz';

describe('e2e: the built image in VS Code (issue 15 §3): hover link, Open Image, a file read-only, Go to File, the report', function () {
  before(function () {
    if (process.getuid?.() !== 0) throw new Error('the image scenario must run as root (it starts VS Code as makeimg-test, who builds)');
  });

  const s = useVSCode({
    fixture: 'builds',
    user: 'makeimg-test',
    extraFolders: { tiny: join(repoRoot, 'examples', 'tiny') },
  });

  it('16. builds tiny, then browses the image: Explorer tree, a read-only file, Go to File in Image, the report', async function () {
    this.timeout(480_000);
    const image = join(s.workspace, 'tiny', 'img', 'tiny.tar.gz');
    await s.wb.openFile('tiny/image.sh');
    const built = await s.wb.runBuild(commandTitle(COMMANDS.buildImage));
    assert.ok(built?.icons.includes('check'), `the build succeeded: ${JSON.stringify(built)}\n${s.server.outputChannel(EXTENSION_ID)}`);

    // The img_name hover links the image that now exists.
    const imgNameLine =
      readFileSync(join(repoRoot, 'examples', 'tiny', 'image.sh'), 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith('img_name=')) + 1;
    const hover = await waitFor(
      'the img_name hover to link the built image',
      () => s.wb.hoverAt(imgNameLine, 3),
      (t) => t.includes('Open Image'),
      20_000,
    );
    assert.ok(hover.includes(image), `the hover names the image: ${hover}`);
    for (const link of ['Open Image', 'Show Report', 'Open Shell in Image'])
      assert.ok(hover.includes(link), `the hover links ${link}: ${hover}`);
    await s.wb.page.keyboard.press('Escape');

    // Open Image: a single-folder window becomes a multi-root workspace (VS Code reloads it). The old
    // page shows the new folder for a moment before it goes: wait for the new page first.
    await s.wb.runCommand(commandTitle(COMMANDS.openImage));
    await s.wb.waitForWorkspaceReload();
    await waitFor(
      'the image folder in the Explorer',
      () => s.wb.explorerRows(),
      (rows) => rows.includes(IMAGE_FOLDER),
      60_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${s.wb.workspaceFileReport()}`);
    });
    // The fixture's folder out of the way: the Explorer renders only the rows in view.
    await s.wb.setExplorerRowExpanded('builds', false);
    await s.wb.setExplorerRowExpanded(IMAGE_FOLDER, true);
    const members = archiveMembers(image);
    const topLevel = [...new Set(members.map((m) => m.split('/')[0]!))].filter(Boolean).sort();
    const shown = await waitFor(
      "the image's top-level directories",
      () => s.wb.explorerRows(),
      (rows) => topLevel.every((t) => rows.includes(t)),
      30_000,
    );
    console.log(`      Explorer shows: ${shown.join(', ')}`);
    await s.wb.setExplorerRowExpanded('etc', true);
    await waitFor(
      'etc to open',
      () => s.wb.explorerRows(),
      (rows) => rows.includes('motd') && rows.includes('passwd'),
      15_000,
    );

    // A file from the image in an editor, as the archive holds it, and read-only.
    await s.wb.clickExplorerRow('motd');
    const motd = archiveFile(image, 'etc/motd');
    const firstLine = motd.split('\n')[0]!;
    await waitFor(
      'the editor of etc/motd',
      () => s.wb.editorLines(),
      (lines) => lines[0] === firstLine,
      20_000,
    );
    await s.wb.screenshot(join(resultsDir, 'scenario-12-image.png'));
    await s.wb.type('written? ');
    await s.wb.page.waitForTimeout(500);
    assert.equal((await s.wb.editorLines()).join('\n').trimEnd(), motd.trimEnd(), 'the editor of a file in the image does not take typing');

    // Go to File in Image: find a file by name (VS Code's own quick open cannot search another scheme).
    await s.wb.runCommand(commandTitle(COMMANDS.goToFileInImage), true);
    const picked = await s.wb.pickQuickInput('Go to File in tiny.tar.gz', 'os-release', '/usr/lib/os-release');
    console.log(`      Go to File in Image offered: ${picked.join(' | ')}`);
    const osRelease = archiveFile(image, 'usr/lib/os-release');
    await waitFor(
      'the editor of usr/lib/os-release',
      () => s.wb.editorLines(),
      (lines) => lines.join('\n').trimEnd() === osRelease.trimEnd(),
      20_000,
    );

    // The report of the build in a webview.
    await s.wb.runCommand(commandTitle(COMMANDS.showReport));
    const report = await waitFor(
      'the report webview',
      () => s.wb.webviewText(),
      (t) => t.includes('Size by top-level directory'),
      30_000,
    );
    assert.ok(report.includes(image), `the report names the image: ${report.slice(0, 500)}`);
    assert.match(report, /\d+ files, \d+ directories/);
    await s.wb.screenshot(join(resultsDir, 'scenario-12-report.png'));
  });
});
