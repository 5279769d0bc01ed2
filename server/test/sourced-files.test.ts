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
  DefinitionRequest,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  HoverRequest,
  ReferencesRequest,
  RenameRequest,
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
});
