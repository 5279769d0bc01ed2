/**
 * Definition, references, document highlight and rename over the real
 * protocol (bundled server), including bash scoping of `local` variables and
 * the refusal to rename names makeimg knows. Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import {
  DefinitionRequest,
  DocumentHighlightKind,
  DocumentHighlightRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  ResponseError,
  type Location,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { positionOf, rangeOf } from './support/cursor';
import { applyTextEdits, textEditsFor } from './support/edits';
import { serverForSuite } from './support/suite';

const TEXT = [
  'img_name=debian.tar.zst',
  'mirror=http://deb.debian.org/debian',
  'name=global',
  '',
  'set_name() {',
  '    local name=$1',
  '    echo "$name" > "$img_dir/etc/hostname"',
  '}',
  '',
  'do_install()',
  '{',
  '    debootstrap bookworm "$img_dir" "${mirror}"',
  '    set_name "$name"',
  '    (( count = ${#mirror} ))',
  '}',
  '',
  'do_postinstall()',
  '{',
  '    set_name box',
  '}',
  '',
].join('\n');

describe('navigation (definition, references, highlight, rename)', function () {
  this.timeout(20_000);
  const uri = 'file:///nonexistent-makeimg-test/navigation/image.sh';
  const session = serverForSuite({}, { uri, text: TEXT });

  const at = (needle: string, offset = 0, occurrence = 1) => ({
    textDocument: { uri },
    position: positionOf(TEXT, needle, offset, occurrence),
  });
  const loc = (range: Range): Location => ({ uri, range });

  it('definition of a variable: its assignment', async () => {
    const result = await session.client.connection.sendRequest(DefinitionRequest.type, at('${mirror}', 3));
    assert.deepEqual(result, [loc(rangeOf(TEXT, 'mirror=', 1, 'mirror'))]);
  });

  it('definition of a function: its definition, from a call', async () => {
    const result = await session.client.connection.sendRequest(DefinitionRequest.type, at('set_name box', 1));
    assert.deepEqual(result, [loc(rangeOf(TEXT, 'set_name() {', 1, 'set_name'))]);
  });

  it('definition inside a function that declares the variable local: the local', async () => {
    const result = await session.client.connection.sendRequest(DefinitionRequest.type, at('"$name"', 2, 1));
    assert.deepEqual(result, [loc(rangeOf(TEXT, 'local name', 1, 'name'))]);
  });

  it('definition of the global with the same name, from outside that function', async () => {
    const result = await session.client.connection.sendRequest(DefinitionRequest.type, at('"$name"', 2, 2));
    assert.deepEqual(result, [loc(rangeOf(TEXT, 'name=global', 1, 'name'))]);
  });

  it('no definition for provided variables and plain commands', async () => {
    assert.deepEqual(await session.client.connection.sendRequest(DefinitionRequest.type, at('$img_dir', 2)), []);
    assert.deepEqual(await session.client.connection.sendRequest(DefinitionRequest.type, at('debootstrap', 1)), []);
  });

  it('references of a variable: every use, in ${...}, ${#...}, with or without the declaration', async () => {
    const uses = [loc(rangeOf(TEXT, '${mirror}', 1, 'mirror')), loc(rangeOf(TEXT, '${#mirror}', 1, 'mirror'))];
    const withDeclaration = await session.client.connection.sendRequest(ReferencesRequest.type, {
      ...at('mirror=', 2),
      context: { includeDeclaration: true },
    });
    assert.deepEqual(withDeclaration, [loc(rangeOf(TEXT, 'mirror=', 1, 'mirror')), ...uses]);
    const without = await session.client.connection.sendRequest(ReferencesRequest.type, {
      ...at('mirror=', 2),
      context: { includeDeclaration: false },
    });
    assert.deepEqual(without, uses);
  });

  it('references of a function: definition and calls', async () => {
    const result = await session.client.connection.sendRequest(ReferencesRequest.type, {
      ...at('set_name() {', 0),
      context: { includeDeclaration: true },
    });
    assert.deepEqual(result, [
      loc(rangeOf(TEXT, 'set_name() {', 1, 'set_name')),
      loc(rangeOf(TEXT, 'set_name "$name"', 1, 'set_name')),
      loc(rangeOf(TEXT, 'set_name box', 1, 'set_name')),
    ]);
  });

  it('document highlight: writes and reads of the global, not the local of the same name', async () => {
    const result = await session.client.connection.sendRequest(DocumentHighlightRequest.type, at('name=global', 1));
    assert.deepEqual(result, [
      { range: rangeOf(TEXT, 'name=global', 1, 'name'), kind: DocumentHighlightKind.Write },
      { range: rangeOf(TEXT, '"$name"', 2, 'name'), kind: DocumentHighlightKind.Read },
    ]);
  });

  it('document highlight of the local: only inside its function', async () => {
    const result = await session.client.connection.sendRequest(DocumentHighlightRequest.type, at('local name', 6));
    assert.deepEqual(result, [
      { range: rangeOf(TEXT, 'local name', 1, 'name'), kind: DocumentHighlightKind.Write },
      { range: rangeOf(TEXT, '"$name"', 1, 'name'), kind: DocumentHighlightKind.Read },
    ]);
  });

  it('prepareRename of a user variable: its range and name', async () => {
    const result = await session.client.connection.sendRequest(PrepareRenameRequest.type, at('${mirror}', 4));
    assert.deepEqual(result, { range: rangeOf(TEXT, '${mirror}', 1, 'mirror'), placeholder: 'mirror' });
  });

  it('rename of a variable: every occurrence, and the result still means the same', async () => {
    const edit = (await session.client.connection.sendRequest(RenameRequest.type, {
      ...at('mirror=', 0),
      newName: 'debian_mirror',
    })) as WorkspaceEdit;
    const renamed = applyTextEdits(TEXT, textEditsFor(edit, uri));
    assert.equal(
      renamed,
      TEXT.replace('mirror=', 'debian_mirror=').replace('${mirror}', '${debian_mirror}').replace('${#mirror}', '${#debian_mirror}'),
    );
  });

  it('rename of a function from a call: the definition and all calls', async () => {
    const edit = (await session.client.connection.sendRequest(RenameRequest.type, {
      ...at('set_name box', 0),
      newName: 'write_hostname',
    })) as WorkspaceEdit;
    assert.equal(applyTextEdits(TEXT, textEditsFor(edit, uri)), TEXT.replaceAll('set_name', 'write_hostname'));
  });

  it('rename of a local: only inside its function', async () => {
    const edit = (await session.client.connection.sendRequest(RenameRequest.type, {
      ...at('"$name"', 2, 1),
      newName: 'host',
    })) as WorkspaceEdit;
    assert.equal(
      applyTextEdits(TEXT, textEditsFor(edit, uri)),
      TEXT.replace('local name', 'local host').replace('echo "$name"', 'echo "$host"'),
    );
  });

  async function refusal(request: Promise<unknown>): Promise<string> {
    try {
      await request;
    } catch (error) {
      assert.ok(error instanceof ResponseError, String(error));
      return error.message;
    }
    assert.fail('expected the server to refuse');
  }

  it('refuses to rename contract names, hooks and provided variables, with a clear message', async () => {
    assert.equal(
      await refusal(session.client.connection.sendRequest(PrepareRenameRequest.type, at('img_name', 1))),
      'img_name is read by makeimg by this name, so it cannot be renamed.',
    );
    assert.equal(
      await refusal(session.client.connection.sendRequest(PrepareRenameRequest.type, at('do_install', 1))),
      'do_install is a makeimg hook: makeimg calls it by this name, so it cannot be renamed.',
    );
    assert.equal(
      await refusal(session.client.connection.sendRequest(PrepareRenameRequest.type, at('$img_dir', 3))),
      '$img_dir is set by makeimg, so it cannot be renamed.',
    );
    // A client that skips prepareRename gets the same answer from rename.
    assert.equal(
      await refusal(session.client.connection.sendRequest(RenameRequest.type, { ...at('do_postinstall', 1), newName: 'x' })),
      'do_postinstall is a makeimg hook: makeimg calls it by this name, so it cannot be renamed.',
    );
  });

  it('refuses invalid new names and names makeimg would read', async () => {
    assert.equal(
      await refusal(session.client.connection.sendRequest(RenameRequest.type, { ...at('mirror=', 0), newName: '2fast' })),
      '"2fast" is not a valid variable name: use letters, digits and underscores, not starting with a digit.',
    );
    assert.equal(
      await refusal(session.client.connection.sendRequest(RenameRequest.type, { ...at('mirror=', 0), newName: 'img_dir' })),
      '$img_dir is set by makeimg and would overwrite mirror.',
    );
    assert.equal(
      await refusal(session.client.connection.sendRequest(RenameRequest.type, { ...at('set_name box', 0), newName: 'do_install' })),
      'do_install is a makeimg hook: renaming set_name to it would make makeimg run it.',
    );
  });

  it('rename includes names given to builtins (read, printf -v)', async () => {
    const other = 'file:///nonexistent-makeimg-test/navigation/builtins/image.sh';
    const text = 'read -r answer\nprintf -v answer "%s!" "$answer"\n';
    session.client.open(other, text);
    const edit = (await session.client.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: other },
      position: positionOf(text, '$answer', 1),
      newName: 'reply',
    })) as WorkspaceEdit;
    assert.equal(applyTextEdits(text, textEditsFor(edit, other)), 'read -r reply\nprintf -v reply "%s!" "$reply"\n');
  });

  it('nothing to rename on a plain word: null', async () => {
    assert.equal(await session.client.connection.sendRequest(PrepareRenameRequest.type, at('bookworm', 0)), null);
  });
});
