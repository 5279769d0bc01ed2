/**
 * Format Document in a real VS Code (issue 14): the packaged extension's server
 * formats image.sh with shfmt's rules and the editor's indentation; a file with
 * a syntax error is left alone with a message. Runs as the current user.
 */
import assert from 'node:assert/strict';
import { BUILD_LENS_TITLE } from '../../server/src/features/code-lens';
import { languageDisplayNames, useVSCode } from './harness';
import { waitFor } from './workbench';

/** fixtures/format/image.sh as shfmt prints it with 4 spaces (the settings below). */
const FORMATTED = [
  'img_name=format.tar',
  '',
  '# Installs the tree.',
  'do_install() {',
  '    if true; then',
  '        mkdir -p "$img_dir/etc"',
  '    fi',
  '}',
];

describe('e2e: formatting image.sh in VS Code', function () {
  // Fixed indentation: VS Code would otherwise guess it from the messy file.
  const s = useVSCode({
    fixture: 'format',
    settings: { 'editor.detectIndentation': false, 'editor.tabSize': 4, 'editor.insertSpaces': true },
  });

  /** Opens an image.sh; `serverUp`: also waits until the language server answers (its code lens). */
  async function openImage(path: string, serverUp = true): Promise<void> {
    await s.wb.openFile(path);
    await waitFor(
      'the makeimg language mode',
      () => s.wb.languageMode(),
      (m) => languageDisplayNames().includes(m),
      20_000,
    );
    if (!serverUp) return;
    await waitFor(
      `the server's ${BUILD_LENS_TITLE} code lens`,
      () => s.wb.codeLenses(),
      (l) => l.some((t) => t.includes(BUILD_LENS_TITLE)),
      30_000,
    );
  }

  it('10. Format Document formats image.sh with shfmt rules and the editor indentation', async function () {
    this.timeout(90_000);
    // Once the server answers. Formatting right after opening (the stand-in of client/src/early-formatting.ts)
    // passed when this scenario ran alone but not within the whole e2e suite: not shown here yet.
    await openImage('image.sh');
    await s.wb.runCommand('Format Document');
    const lines = await waitFor(
      'the formatted text',
      async () => (await s.wb.editorLines()).filter((l, i, all) => i < all.length - 1 || l !== ''),
      (l) => JSON.stringify(l) === JSON.stringify(FORMATTED),
      20_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\nnotifications: ${JSON.stringify(await s.wb.notifications())}`);
    });
    assert.deepEqual(lines, FORMATTED);
  });

  it('11. Format Document on a syntax error leaves the file alone and says where the error is', async function () {
    this.timeout(90_000);
    await openImage('bad/image.sh');
    const before = await s.wb.editorLines();
    await s.wb.runCommand('Format Document');
    const messages = await waitFor(
      'the not-formatted message',
      () => s.wb.notifications(),
      (m) => m.some((n) => /not formatted/.test(n)),
      20_000,
    );
    assert.match(
      messages.find((n) => /not formatted/.test(n))!,
      /line 5/,
    );
    assert.deepEqual(await s.wb.editorLines(), before);
  });
});
