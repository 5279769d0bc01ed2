/**
 * Sourced files in a real VS Code (issue 14): a sourced file changed on disk
 * (VS Code's file watcher -> workspace/didChangeWatchedFiles) re-validates
 * image.sh. Runs as the current user (no privilege needed).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { doInstallMissing } from '../../analysis/src/rules/do-install-missing';
import { languageDisplayNames, useVSCode } from './harness';
import { waitFor } from './workbench';

describe('e2e: sourced files in VS Code', function () {
  const s = useVSCode({ fixture: 'sourced' });

  it('9. changing the sourced file on disk re-validates image.sh (file watcher)', async function () {
    this.timeout(90_000);
    await s.wb.openFile('image.sh');
    await waitFor(
      'the makeimg language mode',
      () => s.wb.languageMode(),
      (m) => languageDisplayNames().includes(m),
      20_000,
    );
    // do_install comes from lib.sh: no MKIMG003 once the server has read it.
    await waitFor(
      'no errors on image.sh',
      () => s.wb.problemCounts(),
      (c) => /Errors: 0|No Problems/i.test(c),
      30_000,
    );
    writeFileSync(join(s.workspace, 'lib.sh'), '# Installs the tree.\ndo_instal() {\n    mkdir -p "$img_dir/etc"\n}\n');
    const problems = await waitFor(
      'MKIMG003 after lib.sh lost do_install',
      () => s.wb.problems(),
      (rows) => rows.some((r) => r.includes(doInstallMissing.code)),
      30_000,
    );
    assert.ok(
      problems.some((r) => r.includes('do_install')),
      JSON.stringify(problems),
    );
    writeFileSync(join(s.workspace, 'lib.sh'), '# Installs the tree.\ndo_install() {\n    mkdir -p "$img_dir/etc"\n}\n');
    await waitFor(
      'MKIMG003 gone after do_install is back',
      () => s.wb.problems(),
      (rows) => !rows.some((r) => r.includes(doInstallMissing.code)),
      30_000,
    );
  });
});
