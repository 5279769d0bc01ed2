/**
 * Sourced files over the real protocol (bundled server): definition,
 * references, rename and hover into the files image.sh sources; diagnostics
 * across files (MKIMG009 with related information in the other file,
 * MKIMG017 for a missing file, a cycle); re-validation when a sourced file
 * changes in the editor or on disk. Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  DefinitionRequest,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  HoverRequest,
  ReferencesRequest,
  RenameRequest,
  type CompletionList,
  type Location,
  type MarkupContent,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { LspTestClient, messageOf, summarize } from './support/lsp-client';

describe('sourced files (protocol)', function () {
  this.timeout(30_000);
  let dir: string;
  let client: LspTestClient;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'makeimg-sourced-lsp-'));
    client = await LspTestClient.start({ capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } } });
  });
  afterEach(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const uriOf = (name: string) => pathToFileURL(join(dir, name)).href;
  function write(files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
  }

  const IMAGE = 'img_name=a.tar\n. "$src_dir/lib/common.sh"\ndo_install() {\n  prepare\n}\ndo_postinstall() {\n  setup_users\n}\n';
  const LIB = '# Creates the tree.\nprepare() {\n  mkdir -p "$img_dir/etc"\n}\nsetup_users() {\n  cp /x "$img_dir/etc/passwd"\n}\n';

  it('go to definition, references, hover and rename reach into the sourced file', async () => {
    write({ 'image.sh': IMAGE, 'lib/common.sh': LIB });
    client.open(uriOf('image.sh'), IMAGE);
    const at = { textDocument: { uri: uriOf('image.sh') }, position: { line: 3, character: 4 } };
    const definition = (await client.connection.sendRequest(DefinitionRequest.type, at)) as Location[];
    assert.deepEqual(definition, [
      { uri: uriOf('lib/common.sh'), range: { start: { line: 1, character: 0 }, end: { line: 1, character: 7 } } },
    ]);
    const refs = (await client.connection.sendRequest(ReferencesRequest.type, {
      ...at,
      context: { includeDeclaration: true },
    })) as Location[];
    assert.deepEqual(refs.map((r) => `${r.uri.slice(r.uri.lastIndexOf('/') + 1)}:${r.range.start.line}`).sort(), [
      'common.sh:1',
      'image.sh:3',
    ]);
    const hover = await client.connection.sendRequest(HoverRequest.type, at);
    assert.match((hover?.contents as MarkupContent).value, /Creates the tree\./);
    const edit = (await client.connection.sendRequest(RenameRequest.type, { ...at, newName: 'make_tree' })) as WorkspaceEdit;
    assert.deepEqual(Object.keys(edit.changes ?? {}).sort(), [uriOf('image.sh'), uriOf('lib/common.sh')].sort());
    assert.deepEqual(edit.changes?.[uriOf('lib/common.sh')], [
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 7 } }, newText: 'make_tree' },
    ]);
  });

  it('MKIMG009 crosses files with related information in the sourced file; do_install there is not MKIMG003', async () => {
    write({ 'image.sh': IMAGE, 'lib/common.sh': LIB });
    client.open(uriOf('image.sh'), IMAGE);
    const { diagnostics } = await client.diagnostics(uriOf('image.sh'), 1);
    assert.deepEqual(summarize(diagnostics), ['MKIMG009@7']);
    const [d] = diagnostics;
    assert.deepEqual(d.range, { start: { line: 6, character: 2 }, end: { line: 6, character: 13 } });
    assert.match(messageOf(d), /^lib\/common\.sh:6: \$img_dir does not exist inside the new rootfs/);
    const inLib = d.relatedInformation?.find((r) => r.location.uri === uriOf('lib/common.sh'));
    assert.deepEqual(inLib?.location.range, { start: { line: 5, character: 9 }, end: { line: 5, character: 17 } });
  });

  it('a missing sourced file is MKIMG017; a cycle terminates with both files read', async () => {
    const text = 'img_name=a.tar\nsource ./missing.sh\n. ./a.sh\n';
    write({ 'image.sh': text, 'a.sh': '. ./b.sh\nhelper() { :; }\n', 'b.sh': '. ./a.sh\ndo_install() { helper; }\n' });
    client.open(uriOf('image.sh'), text);
    const { diagnostics } = await client.diagnostics(uriOf('image.sh'), 1);
    // do_install (b.sh) and helper (a.sh) are known: no MKIMG003.
    assert.deepEqual(summarize(diagnostics), ['MKIMG017@2']);
  });

  it('editing a sourced file open in the editor re-validates image.sh', async () => {
    const text = 'img_name=a.tar\n. ./lib.sh\n';
    write({ 'image.sh': text, 'lib.sh': 'do_install() { :; }\n' });
    client.open(uriOf('image.sh'), text);
    assert.deepEqual(summarize((await client.diagnostics(uriOf('image.sh'), 1)).diagnostics), []);
    client.open(uriOf('lib.sh'), 'do_install() { :; }\n', 1, 'shellscript');
    const since = client.published.length;
    client.change(uriOf('lib.sh'), 2, [{ text: 'do_instal() { :; }\n' }]);
    const republished = await client.publishMatching(uriOf('image.sh'), (p) => p.diagnostics.length > 0, since);
    assert.deepEqual(summarize(republished.diagnostics), ['MKIMG003@1', 'MKIMG008@2']);
    // The shell script itself is not checked as an image.sh.
    assert.ok(!client.published.some((p) => p.uri === uriOf('lib.sh') && p.diagnostics.length > 0));
  });

  it('a sourced file changed on disk (file watcher) re-validates image.sh', async () => {
    const text = 'img_name=a.tar\n. ./lib.sh\n';
    write({ 'image.sh': text, 'lib.sh': 'do_install() { :; }\n' });
    client.open(uriOf('image.sh'), text);
    assert.deepEqual(summarize((await client.diagnostics(uriOf('image.sh'), 1)).diagnostics), []);
    const since = client.published.length;
    write({ 'lib.sh': 'helper() { :; }\n' });
    void client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: uriOf('lib.sh'), type: FileChangeType.Changed }],
    });
    const republished = await client.publishMatching(uriOf('image.sh'), (p) => p.diagnostics.length > 0, since);
    assert.deepEqual(summarize(republished.diagnostics), ['MKIMG003@1']);
  });
  describe('from inside a sourced file', () => {
    const MAIN = 'img_name=a.tar\n. ./lib/tree.sh\n# Logs a line.\nlog() { echo "$@"; }\ndo_install() {\n  prepare\n}\n';
    const TREE = '# Creates the tree.\nprepare() {\n  log making\n  mkdir -p "$img_dir/etc"\n}\n';
    const inTree = (line: number, character: number) => ({ textDocument: { uri: uriOf('lib/tree.sh') }, position: { line, character } });
    const places = (locations: Location[]) =>
      locations.map((l) => `${l.uri.slice(l.uri.lastIndexOf('/') + 1)}:${l.range.start.line}:${l.range.start.character}`).sort();

    for (const imageOpen of [true, false]) {
      it(`definition, references, rename and completion reach image.sh (${imageOpen ? 'open in the editor' : 'only on disk'})`, async () => {
        write({ 'image.sh': MAIN, 'lib/tree.sh': TREE });
        if (imageOpen) client.open(uriOf('image.sh'), MAIN);
        client.open(uriOf('lib/tree.sh'), TREE, 1, 'shellscript');
        // `log` (line 2 of tree.sh) is defined in image.sh.
        const definition = (await client.connection.sendRequest(DefinitionRequest.type, inTree(2, 3))) as Location[];
        assert.deepEqual(definition, [
          { uri: uriOf('image.sh'), range: { start: { line: 3, character: 0 }, end: { line: 3, character: 3 } } },
        ]);
        // `prepare` is defined here and called from image.sh.
        const refs = (await client.connection.sendRequest(ReferencesRequest.type, {
          ...inTree(1, 2),
          context: { includeDeclaration: true },
        })) as Location[];
        assert.deepEqual(places(refs), ['image.sh:5:2', 'tree.sh:1:0']);
        const edit = (await client.connection.sendRequest(RenameRequest.type, { ...inTree(2, 3), newName: 'say' })) as WorkspaceEdit;
        assert.deepEqual(edit.changes?.[uriOf('image.sh')], [
          { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 3 } }, newText: 'say' },
        ]);
        assert.deepEqual(edit.changes?.[uriOf('lib/tree.sh')], [
          { range: { start: { line: 2, character: 2 }, end: { line: 2, character: 5 } }, newText: 'say' },
        ]);
        // Completing `lo` at the start of line 3 offers image.sh's function, named with its file, replacing the word in tree.sh.
        const list = (await client.connection.sendRequest(CompletionRequest.type, inTree(2, 4))) as CompletionList;
        const log = list.items.find((i) => i.label === 'log');
        assert.equal(log?.detail, 'function, line 4 of image.sh');
        assert.deepEqual(log?.textEdit, { range: { start: { line: 2, character: 2 }, end: { line: 2, character: 4 } }, newText: 'log' });
      });
    }

    it('hover names the file a definition is in, from either side', async () => {
      write({ 'image.sh': MAIN, 'lib/tree.sh': TREE });
      client.open(uriOf('image.sh'), MAIN);
      client.open(uriOf('lib/tree.sh'), TREE, 1, 'shellscript');
      const fromLib = await client.connection.sendRequest(HoverRequest.type, inTree(2, 3));
      assert.match((fromLib?.contents as MarkupContent).value, /Logs a line\.[\s\S]*Defined on line 4 of image\.sh/);
      assert.deepEqual(fromLib?.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 5 } });
      const fromImage = await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: uriOf('image.sh') },
        position: { line: 5, character: 3 },
      });
      assert.match((fromImage?.contents as MarkupContent).value, /Creates the tree\.[\s\S]*Defined on line 2 of lib\/tree\.sh/);
    });

    it('a shell script no image.sh sources gets nothing', async () => {
      write({ 'image.sh': MAIN, 'lib/tree.sh': TREE, 'lib/other.sh': 'log x\n' });
      client.open(uriOf('lib/other.sh'), 'log x\n', 1, 'shellscript');
      const at = { textDocument: { uri: uriOf('lib/other.sh') }, position: { line: 0, character: 1 } };
      assert.deepEqual(await client.connection.sendRequest(DefinitionRequest.type, at), []);
      assert.equal(await client.connection.sendRequest(HoverRequest.type, at), null);
    });
  });
});
