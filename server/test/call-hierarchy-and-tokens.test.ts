/**
 * Call hierarchy (across sourced files) and semantic tokens (full and delta)
 * over stdio with the bundled server. Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CallHierarchyIncomingCallsRequest,
  CallHierarchyOutgoingCallsRequest,
  CallHierarchyPrepareRequest,
  SemanticTokensDeltaRequest,
  SemanticTokensRequest,
  type SemanticTokens,
  type SemanticTokensDelta,
  type SemanticTokensLegend,
} from 'vscode-languageserver-protocol';
import { REPO_ROOT } from './support/lsp-client';
import { serverForSuite } from './support/suite';

const IMAGE = [
  'img_name=a.tar',
  '. ./lib.sh',
  'postinstall_files_src=(files/x)',
  'postinstall_files_dst=(etc/x)',
  'do_install() {',
  '  mkdir "$img_dir/etc"',
  '}',
  'do_postinstall() {',
  '  setup',
  '}',
  '',
].join('\n');
const LIB = 'setup() {\n  inner\n}\ninner() { :; }\n';

/** Decode LSP's relative token data into absolute tokens with modifier names. */
function decode(data: number[], legend: SemanticTokensLegend, lines: string[]): string[] {
  const out: string[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
    const text = lines[line].slice(character, character + data[i + 2]);
    const modifiers = legend.tokenModifiers.filter((_, bit) => data[i + 4] & (1 << bit));
    out.push(`${line}:${text}:${legend.tokenTypes[data[i + 3]]}${modifiers.length ? `[${modifiers.join(',')}]` : ''}`);
  }
  return out;
}

describe('call hierarchy and semantic tokens (protocol)', function () {
  this.timeout(30_000);
  const session = serverForSuite();
  let dir: string;
  let uri: string;
  let legend: SemanticTokensLegend;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'makeimg-hierarchy-'));
    writeFileSync(join(dir, 'image.sh'), IMAGE);
    writeFileSync(join(dir, 'lib.sh'), LIB);
    uri = pathToFileURL(join(dir, 'image.sh')).href;
    session.client.open(uri, IMAGE);
    await session.client.diagnostics(uri, 1);
    legend = session.client.initializeResult?.capabilities.semanticTokensProvider?.legend as SemanticTokensLegend;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows which hook runs a helper in a sourced file, and what it calls', async () => {
    const c = session.client.connection;
    const items = await c.sendRequest(CallHierarchyPrepareRequest.type, { textDocument: { uri }, position: { line: 8, character: 3 } });
    assert.equal(items?.length, 1);
    const [setup] = items!;
    assert.equal(setup.name, 'setup');
    assert.equal(setup.uri, pathToFileURL(join(dir, 'lib.sh')).href);
    assert.deepEqual(setup.selectionRange, { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } });
    assert.equal(setup.detail, 'run by do_postinstall');
    const incoming = await c.sendRequest(CallHierarchyIncomingCallsRequest.type, { item: setup });
    assert.deepEqual(
      incoming?.map((call) => [call.from.name, call.from.uri, call.from.detail, call.fromRanges]),
      [['do_postinstall', uri, 'makeimg hook (postinstall)', [{ start: { line: 8, character: 2 }, end: { line: 8, character: 7 } }]]],
    );
    const outgoing = await c.sendRequest(CallHierarchyOutgoingCallsRequest.type, { item: setup });
    assert.deepEqual(
      outgoing?.map((call) => [call.to.name, call.to.uri, call.fromRanges]),
      [['inner', setup.uri, [{ start: { line: 1, character: 2 }, end: { line: 1, character: 7 } }]]],
    );
  });

  it('semantic tokens mark hooks, provided variables, file arrays and the stage of functions', async () => {
    const tokens = await session.client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
    assert.ok(tokens?.resultId);
    assert.deepEqual(decode(tokens.data, legend, IMAGE.split('\n')), [
      '0:img_name:variable[declaration]',
      '2:postinstall_files_src:variable[declaration,fileArray]',
      '3:postinstall_files_dst:variable[declaration,fileArray]',
      '4:do_install:function[declaration,hook,install]',
      '5:img_dir:variable[readonly,defaultLibrary,provided]',
      '7:do_postinstall:function[declaration,hook,postinstall]',
      '8:setup:function[postinstall]',
    ]);
  });

  it('semantic tokens delta after an edit: the edits turn the previous tokens into the new ones', async () => {
    const c = session.client.connection;
    const before = (await c.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } })) as SemanticTokens;
    const edited = IMAGE.replace('  setup\n', '  setup\n  echo "$src_dir"\n');
    session.client.change(uri, 2, [{ text: edited }]);
    const delta = (await c.sendRequest(SemanticTokensDeltaRequest.type, {
      textDocument: { uri },
      previousResultId: before.resultId!,
    })) as SemanticTokensDelta;
    assert.ok('edits' in delta, JSON.stringify(delta));
    assert.ok(delta.edits.length > 0);
    const data = [...before.data];
    for (const edit of [...delta.edits].sort((a, b) => b.start - a.start)) data.splice(edit.start, edit.deleteCount, ...(edit.data ?? []));
    const full = (await c.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } })) as SemanticTokens;
    assert.deepEqual(data, full.data);
    assert.ok(decode(full.data, legend, edited.split('\n')).includes('9:src_dir:variable[readonly,defaultLibrary,provided]'));
  });

  it('the extension declares the custom modifiers in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    const declared = (pkg.contributes.semanticTokenModifiers as { id: string }[]).map((m) => m.id).sort();
    const standard = ['declaration', 'readonly', 'defaultLibrary'];
    assert.deepEqual(declared, legend.tokenModifiers.filter((m) => !standard.includes(m)).sort());
  });
});
