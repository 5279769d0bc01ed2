/**
 * Inlay hints (source -> destination) and the "Build Image" code lens over
 * the real protocol (bundled server). Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import { CodeLensRequest, InlayHintRequest, type Position } from 'vscode-languageserver-protocol';
import { COMMANDS } from '../../shared/ids-and-settings';
import { serverForSuite } from './support/suite';

const BASE = 'file:///nonexistent-makeimg-test/hints';

/** The position right after `word` on `line` of `lines`. */
function endOf(lines: string[], line: number, word: string): Position {
  const character = lines[line].indexOf(word);
  assert.ok(character >= 0, word);
  return { line, character: character + word.length };
}

describe('inlay hints and code lens', function () {
  this.timeout(20_000);
  const session = serverForSuite({ settings: { shellcheck: { enable: false, path: '' } } });

  async function open(name: string, lines: string[]): Promise<string> {
    const uri = `${BASE}/${name}/image.sh`;
    session.client.open(uri, lines.join('\n'), 1);
    await session.client.publishMatching(uri, (p) => p.version === 1);
    return uri;
  }

  const hintsOf = (uri: string, fromLine: number, toLine: number) =>
    session.client.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: fromLine, character: 0 }, end: { line: toLine, character: 0 } },
    });

  it('shows where each source is copied in the image, and which sources have no destination', async () => {
    const lines = [
      'img_name=a.tar',
      'postinstall_files_src=(files/hostname "files/a b" sudoers.d/admin extra)',
      'postinstall_files_dst=(etc/hostname "/etc/a b" ./etc/sudoers.d/admin)',
      'preinstall_files_src=(',
      '    files/mirrorlist',
      ')',
      'preinstall_files_dst=("$etc/pacman.d/mirrorlist")',
      'do_install() { :; }',
    ];
    const uri = await open('paired', lines);
    const hints = await hintsOf(uri, 0, lines.length);
    assert.deepEqual(
      hints?.map((h) => ({ position: h.position, label: h.label, tooltip: h.tooltip })),
      [
        {
          position: endOf(lines, 1, 'files/hostname'),
          label: '-> /etc/hostname',
          tooltip: 'Copied to $img_dir/etc/hostname (postinstall_files_dst[0])',
        },
        {
          position: endOf(lines, 1, '"files/a b"'),
          label: '-> /etc/a b',
          tooltip: 'Copied to $img_dir/etc/a b (postinstall_files_dst[1])',
        },
        {
          position: endOf(lines, 1, 'sudoers.d/admin'),
          label: '-> /etc/sudoers.d/admin',
          tooltip: 'Copied to $img_dir/etc/sudoers.d/admin (postinstall_files_dst[2])',
        },
        {
          position: endOf(lines, 1, 'extra'),
          label: '-> no destination',
          tooltip: 'postinstall_files_dst has 3 elements, so postinstall_files_src[3] has no destination.',
        },
        {
          position: endOf(lines, 4, 'files/mirrorlist'),
          label: '-> $etc/pacman.d/mirrorlist',
          tooltip: 'Copied to $img_dir/$etc/pacman.d/mirrorlist (preinstall_files_dst[0])',
        },
      ],
    );
    assert.ok(hints?.every((h) => h.paddingLeft === true && h.kind === 1));
    // Only the requested lines.
    assert.deepEqual(
      (await hintsOf(uri, 4, 5))?.map((h) => h.label),
      ['-> $etc/pacman.d/mirrorlist'],
    );
  });

  it('gives no hint where the pairing depends on running the script, and says when the destinations array is missing', async () => {
    const lines = [
      'img_name=a.tar',
      'preinstall_files_src=(files/*.conf files/x)',
      'preinstall_files_dst=(etc/ etc/x)',
      'postinstall_files_src=(files/y)',
      'do_install() { :; }',
    ];
    const uri = await open('uncertain', lines);
    const hints = await hintsOf(uri, 0, lines.length);
    assert.deepEqual(
      hints?.map((h) => ({ position: h.position, label: h.label, tooltip: h.tooltip })),
      [
        {
          position: endOf(lines, 3, 'files/y'),
          label: '-> no destination',
          tooltip: 'postinstall_files_dst is not set, so postinstall_files_src[0] has no destination.',
        },
      ],
    );
  });

  it('puts "Build Image" above img_name, running the client command with the document URI', async () => {
    const uri = await open('lens', ['# my image', '', 'img_name=base.tar.zst', 'do_install() { :; }']);
    assert.deepEqual(await session.client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }), [
      {
        range: { start: { line: 2, character: 0 }, end: { line: 2, character: 21 } },
        command: { title: 'Build Image', command: COMMANDS.buildImage, arguments: [uri] },
      },
    ]);
  });

  it('has no lens without img_name', async () => {
    const uri = await open('nolens', ['do_install() { :; }']);
    assert.deepEqual(await session.client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }), []);
  });
});
