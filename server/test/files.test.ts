/**
 * Source files on disk over the real protocol (bundled server): missing and
 * outside sources, re-checks when files are created or deleted (watched
 * files, as a client reports them, and didSave), the "Create file" fix, and
 * document links. Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  DidChangeWatchedFilesNotification,
  DidSaveTextDocumentNotification,
  DocumentLinkRequest,
  FileChangeType,
  type CodeAction,
  type CreateFile,
  type Diagnostic,
  type Range,
} from 'vscode-languageserver-protocol';
import { delay, LspTestClient } from './support/lsp-client';

const LINES = [
  'img_name=a.tar',
  'postinstall_files_src=(files/hostname "files/missing.conf" /etc/hosts ../outside.txt "$src_dir/x" files/*.conf)',
  'postinstall_files_dst=(etc/hostname etc/missing.conf etc/hosts etc/outside etc/x etc/y)',
  'if [ -f files/maybe ]; then preinstall_files_src=(files/maybe); preinstall_files_dst=(etc/maybe); fi',
  'do_install() { :; }',
  '',
];
const TEXT = LINES.join('\n');

/** The range of `word` on line `line` of LINES. */
function rangeOf(line: number, word: string): Range {
  const character = LINES[line].indexOf(word);
  assert.ok(character >= 0, word);
  return { start: { line, character }, end: { line, character: character + word.length } };
}

const brief = (diagnostics: Diagnostic[]) => diagnostics.map((d) => ({ code: d.code, severity: d.severity, range: d.range }));

describe('source files on disk (MKIMG012/013, watched files, document links)', function () {
  this.timeout(20_000);
  let client: LspTestClient;
  let directory: string;
  let uri: string;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'makeimg-files-'));
    mkdirSync(join(directory, 'files'));
    writeFileSync(join(directory, 'files', 'hostname'), 'box\n');
    uri = pathToFileURL(join(directory, 'image.sh')).toString();
    writeFileSync(fileURLToPath(uri), TEXT);
    client = await LspTestClient.start({
      settings: { shellcheck: { enable: false, path: '' } },
      capabilities: {
        workspace: {
          didChangeWatchedFiles: { dynamicRegistration: true },
          workspaceEdit: { resourceOperations: ['create'] },
        },
      },
    });
  });
  after(async () => {
    await client.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('warns about a missing source, errors on absolute and ../ sources, and leaves dynamic and conditional ones alone', async () => {
    client.open(uri, TEXT, 1);
    const { diagnostics } = await client.publishMatching(uri, (p) => p.version === 1);
    assert.deepEqual(brief(diagnostics), [
      { code: 'MKIMG013', severity: 2, range: rangeOf(1, '"files/missing.conf"') },
      { code: 'MKIMG012', severity: 1, range: rangeOf(1, '/etc/hosts') },
      { code: 'MKIMG012', severity: 1, range: rangeOf(1, '../outside.txt') },
    ]);
    assert.match(String(diagnostics[0].message), /"files\/missing\.conf" does not exist in the image\.sh directory/);
    assert.match(String(diagnostics[1].message), /"\/etc\/hosts" is an absolute path/);
    assert.match(String(diagnostics[2].message), /leaves the image\.sh directory/);
  });

  it('registers a watcher for created and deleted files', async () => {
    for (let i = 0; i < 100 && client.registrations.length === 0; i++) await delay(20);
    assert.deepEqual(
      client.registrations.map((r) => ({ method: r.method, options: r.registerOptions })),
      [{ method: 'workspace/didChangeWatchedFiles', options: { watchers: [{ globPattern: '**/*', kind: 7 }] } }],
    );
  });

  it('links existing sources to their files', async () => {
    const links = await client.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri } });
    assert.deepEqual(links, [
      {
        range: rangeOf(1, 'files/hostname'),
        target: pathToFileURL(join(directory, 'files', 'hostname')).toString(),
        tooltip: 'Open files/hostname (copied to /etc/hostname)',
      },
    ]);
  });

  it('offers to create a missing source; once created (watched-file event) the warning goes and a link appears', async () => {
    const { diagnostics } = await client.publishMatching(uri, (p) => p.version === 1);
    const missing = diagnostics.filter((d) => d.code === 'MKIMG013');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: missing[0].range,
      context: { diagnostics: missing },
    })) as CodeAction[];
    const target = pathToFileURL(join(directory, 'files', 'missing.conf')).toString();
    // (The "Disable CODE for this line/file" actions are tested in silencing.test.ts.)
    const fixes = actions.filter((a) => !/^Disable \S+ for this (line|file)$/.test(a.title));
    assert.deepEqual(
      fixes.map((a) => ({ title: a.title, edit: a.edit })),
      [
        {
          title: 'Create files/missing.conf',
          edit: { documentChanges: [{ kind: 'create', uri: target, options: { ignoreIfExists: true } }] },
        },
      ],
    );
    // Apply the CreateFile as an editor does (parent folders included), then report it.
    const create = actions[0].edit?.documentChanges?.[0] as CreateFile;
    mkdirSync(dirname(fileURLToPath(create.uri)), { recursive: true });
    writeFileSync(fileURLToPath(create.uri), '');
    const since = client.published.length;
    void client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: create.uri, type: FileChangeType.Created }],
    });
    const after = await client.publishMatching(uri, () => true, since);
    assert.deepEqual(
      after.diagnostics.map((d) => d.code),
      ['MKIMG012', 'MKIMG012'],
    );
    const links = await client.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri } });
    assert.deepEqual(
      links?.map((l) => [l.range, l.target]),
      [
        [rangeOf(1, 'files/hostname'), pathToFileURL(join(directory, 'files', 'hostname')).toString()],
        [rangeOf(1, 'files/missing.conf'), target],
      ],
    );
  });

  it('warns again when the file is deleted (watched-file event), and re-checks on save', async () => {
    const path = join(directory, 'files', 'missing.conf');
    rmSync(path);
    let since = client.published.length;
    void client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(path).toString(), type: FileChangeType.Deleted }],
    });
    let published = await client.publishMatching(uri, () => true, since);
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      ['MKIMG013', 'MKIMG012', 'MKIMG012'],
    );

    // A client without file watching: saving the document re-checks.
    writeFileSync(path, 'x');
    since = client.published.length;
    void client.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
    published = await client.publishMatching(uri, () => true, since);
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      ['MKIMG012', 'MKIMG012'],
    );
  });

  it('re-checks for a deleted folder holding sources, but not for unrelated files (a build writing ./img)', async () => {
    mkdirSync(join(directory, 'img'));
    writeFileSync(join(directory, 'img', 'x'), '');
    let since = client.published.length;
    void client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(join(directory, 'img', 'x')).toString(), type: FileChangeType.Created }],
    });
    await delay(300);
    assert.deepEqual(
      client.published.slice(since).filter((p) => p.uri === uri),
      [],
    );

    rmSync(join(directory, 'files'), { recursive: true });
    since = client.published.length;
    void client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(join(directory, 'files')).toString(), type: FileChangeType.Deleted }],
    });
    const published = await client.publishMatching(uri, () => true, since);
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      ['MKIMG013', 'MKIMG013', 'MKIMG012', 'MKIMG012'],
    );
  });

  it('does not check files for a document whose directory does not exist (unsaved or remote)', async () => {
    const elsewhere = 'file:///nonexistent-makeimg-test/files/image.sh';
    client.open(elsewhere, TEXT, 1);
    const { diagnostics } = await client.publishMatching(elsewhere, (p) => p.version === 1);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['MKIMG012', 'MKIMG012'],
    );
    assert.deepEqual(await client.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: elsewhere } }), []);
  });
});
