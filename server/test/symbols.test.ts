/**
 * Document symbols (the outline grouped by stage), workspace symbols over the
 * image.sh files of the workspace folders, and folding ranges, over the real
 * protocol (bundled server). Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DocumentSymbolRequest,
  FoldingRangeKind,
  FoldingRangeRequest,
  SymbolKind,
  WorkspaceFoldersRequest,
  WorkspaceSymbolRequest,
  type DocumentSymbol,
  type SymbolInformation,
  type WorkspaceSymbol,
} from 'vscode-languageserver-protocol';
import { findImageFiles } from '../src/features/workspace-symbols';
import { LspTestClient } from './support/lsp-client';

const TEXT = [
  /* 0 */ '# region settings',
  /* 1 */ '# Debian image',
  /* 2 */ '# built by debootstrap',
  /* 3 */ 'img_name=debian.tar.zst',
  /* 4 */ 'suite=bookworm',
  /* 5 */ '# endregion',
  /* 6 */ '',
  /* 7 */ 'preinstall_files_src=(pacman.conf extra)',
  /* 8 */ 'preinstall_files_dst=(',
  /* 9 */ '  etc/pacman.conf',
  /* 10 */ ')',
  /* 11 */ 'postinstall_files_src=(files/hostname)',
  /* 12 */ 'postinstall_files_dst=(etc/hostname)',
  /* 13 */ '',
  /* 14 */ 'helper() {',
  /* 15 */ '  local target=$1',
  /* 16 */ '  cat <<EOF > "$target"',
  /* 17 */ 'hello',
  /* 18 */ 'world',
  /* 19 */ 'EOF',
  /* 20 */ '}',
  /* 21 */ 'enable_units() {',
  /* 22 */ '  if true; then',
  /* 23 */ '    systemctl enable systemd-networkd',
  /* 24 */ '  fi',
  /* 25 */ '}',
  /* 26 */ 'do_install()',
  /* 27 */ '{',
  /* 28 */ '    helper "$img_dir/etc/motd"',
  /* 29 */ '}',
  /* 30 */ 'do_postinstall() {',
  /* 31 */ '  enable_units',
  /* 32 */ '}',
  /* 33 */ 'unused() { :; }',
  '',
].join('\n');

const r = (line: number, character: number, endLine: number, endCharacter: number) => ({
  start: { line, character },
  end: { line: endLine, character: endCharacter },
});

const KIND_NAMES = new Map<number, string>(Object.entries(SymbolKind).map(([name, value]) => [value as number, name]));

/** name [kind] detail (lines), children indented: the outline as a person reads it. */
function outline(symbols: DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [
    '  '.repeat(depth) +
      [s.name, `[${KIND_NAMES.get(s.kind)}]`, s.detail, `(${s.range.start.line}-${s.range.end.line})`].filter((part) => part).join(' '),
    ...outline(s.children ?? [], depth + 1),
  ]);
}

describe('symbols and folding', function () {
  this.timeout(20_000);
  let client: LspTestClient;
  let workspace: string;
  const uri = 'file:///nonexistent-makeimg-test/symbols/image.sh';

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'makeimg-symbols-'));
    const write = (path: string, text: string) => {
      mkdirSync(join(workspace, path, '..'), { recursive: true });
      writeFileSync(join(workspace, path), text);
    };
    write('debian/image.sh', 'img_name=debian.tar\nmirror=http://deb.debian.org/debian\nsetup_network() { :; }\ndo_install() { :; }\n');
    write('arch/nested/image.sh', 'img_name=arch.tar.zst\npacstrap_opts=(-c)\ndo_install() { :; }\n');
    write('node_modules/pkg/image.sh', 'skipped_in_node_modules=1\n');
    write('.git/image.sh', 'skipped_in_git=1\n');
    write('other/build.sh', 'not_an_image_sh=1\n');
    client = await LspTestClient.start({ capabilities: { workspace: { workspaceFolders: true } } });
    client.connection.onRequest(WorkspaceFoldersRequest.type, () => [{ uri: pathToFileURL(workspace).href, name: 'ws' }]);
    client.open(uri, TEXT);
  });
  after(async () => {
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('document symbols: an outline grouped by stage, helpers under the hook that calls them', async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(outline(symbols), [
      'Preinstall files [Namespace] preinstall_files_src -> preinstall_files_dst (7-10)',
      '  preinstall_files_src [Array] 2 elements (7-7)',
      '    pacman.conf [File] -> $img_dir/etc/pacman.conf (7-7)',
      '    extra [File] no destination (7-7)',
      '  preinstall_files_dst [Array] 1 element (8-10)',
      '    etc/pacman.conf [File] (9-9)',
      'Install [Namespace] do_install() (14-29)',
      '  helper [Function] called by do_install (14-20)',
      '    target [Variable] (15-15)',
      '  do_install [Function] Installs the root filesystem into $img_dir (required) (26-29)',
      'Postinstall files [Namespace] postinstall_files_src -> postinstall_files_dst (11-12)',
      '  postinstall_files_src [Array] 1 element (11-11)',
      '    files/hostname [File] -> $img_dir/etc/hostname (11-11)',
      '  postinstall_files_dst [Array] 1 element (12-12)',
      '    etc/hostname [File] (12-12)',
      'Postinstall hook [Namespace] do_postinstall() (21-32)',
      '  enable_units [Function] called by do_postinstall (21-25)',
      '  do_postinstall [Function] Runs inside the new rootfs after the postinstall copy (30-32)',
      // img_name belongs to the stage that reads it (issue 12 §5), not to Other.
      'Archive [Namespace] (3-3)',
      '  img_name [Variable] File name of the final image (required) (3-3)',
      'Other [Namespace] (4-33)',
      '  suite [Variable] bookworm (4-4)',
      '  unused [Function] (33-33)',
    ]);
    // Exact ranges of one leaf: the whole statement, with the name selected.
    const install = symbols.find((s) => s.name === 'Install');
    assert.deepEqual(install?.children?.[1].range, r(26, 0, 29, 1));
    assert.deepEqual(install?.children?.[1].selectionRange, r(26, 0, 26, 10));
  });

  it('folding ranges: blocks keep their closing line visible; comment runs and regions fold', async () => {
    const ranges = await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
    assert.deepEqual(ranges, [
      { startLine: 0, endLine: 5, kind: FoldingRangeKind.Region },
      { startLine: 1, endLine: 2, kind: FoldingRangeKind.Comment },
      { startLine: 8, endLine: 9 },
      { startLine: 14, endLine: 19 },
      { startLine: 16, endLine: 18 },
      { startLine: 21, endLine: 24 },
      { startLine: 22, endLine: 23 },
      { startLine: 26, endLine: 28 },
      { startLine: 30, endLine: 31 },
    ]);
  });

  const names = (symbols: (SymbolInformation | WorkspaceSymbol)[] | null) => (symbols ?? []).map((s) => `${s.containerName}/${s.name}`);

  it('workspace symbols: functions and top-level variables of every image.sh, skipping node_modules and .git', async () => {
    const symbols = (await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: '' })) as SymbolInformation[];
    // Breadth-first: shallower files first.
    assert.deepEqual(names(symbols), [
      'debian/img_name',
      'debian/mirror',
      'debian/setup_network',
      'debian/do_install',
      'arch/nested/img_name',
      'arch/nested/pacstrap_opts',
      'arch/nested/do_install',
    ]);
    const network = symbols.find((s) => s.name === 'setup_network');
    assert.deepEqual(network, {
      name: 'setup_network',
      kind: SymbolKind.Function,
      location: { uri: pathToFileURL(join(workspace, 'debian/image.sh')).href, range: r(2, 0, 2, 13) },
      containerName: 'debian',
    });
  });

  it('workspace symbols: the query matches its letters in order, ignoring case', async () => {
    const symbols = (await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'SetNet' })) as SymbolInformation[];
    assert.deepEqual(names(symbols), ['debian/setup_network']);
  });

  it('workspace symbols: an open document counts with its unsaved text', async () => {
    const open = pathToFileURL(join(workspace, 'debian/image.sh')).href;
    client.open(open, 'img_name=debian.tar\nrenamed_in_editor=1\n');
    assert.deepEqual(names(await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'renamed' })), [
      'debian/renamed_in_editor',
    ]);
    // mirror is still on disk, but not in the editor's text.
    assert.deepEqual(names(await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'mirror' })), []);
    client.close(open);
    assert.deepEqual(names(await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'mirror' })), ['debian/mirror']);
  });

  it('the scan stops at the file and directory limits', async () => {
    assert.deepEqual(await findImageFiles([workspace], 1), [{ path: join(workspace, 'debian/image.sh'), root: workspace }]);
    assert.equal((await findImageFiles([workspace])).length, 2);
    // The root and its three folders (node_modules and .git are skipped): arch/nested is not reached.
    assert.deepEqual(await findImageFiles([workspace], 10, 4), [{ path: join(workspace, 'debian/image.sh'), root: workspace }]);
  });
});
