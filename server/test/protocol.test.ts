/**
 * The bundled server over the real protocol (JSON-RPC over stdio): open,
 * incremental edits, settings, close. Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DocumentFormattingRequest, DocumentSymbolRequest } from 'vscode-languageserver-protocol/node';
import { LspTestClient, messageOf, REPO_ROOT, summarize } from './support/lsp-client';
import { serverForSuite } from './support/suite';

const GOOD = [
  'img_name=base.tar.zst', // 1
  'preinstall_files_src=(pacman.conf mirrorlist)', // 2
  'preinstall_files_dst=(etc/pacman.conf etc/pacman.d/mirrorlist)', // 3
  '', // 4
  'do_install() {', // 5
  '    pacstrap -c "$img_dir" base', // 6
  '}', // 7
  '', // 8
  'do_postinstall() {', // 9
  '    systemctl enable systemd-networkd', // 10
  '}', // 11
  '',
].join('\n');

describe('language server over stdio (dist/server.js)', function () {
  this.timeout(20_000);
  const session = serverForSuite();

  it('publishes no diagnostics for a correct image.sh', async () => {
    session.client.open('file:///p/good/image.sh', GOOD);
    const published = await session.client.diagnostics('file:///p/good/image.sh', 1);
    assert.deepEqual(published.diagnostics, []);
  });

  it('links every MKIMG diagnostic to its rule page (codeDescription), generated from the rule object', async () => {
    const uri = 'file:///p/links/image.sh';
    // A recipe (it uses $img_dir) without img_name and do_install; a script with none of makeimg's names gets MKIMG020 instead.
    session.client.open(uri, 'echo "no hooks here" >"$img_dir/motd"\n');
    const { diagnostics } = await session.client.diagnostics(uri, 1);
    assert.deepEqual(summarize(diagnostics), ['MKIMG001@1', 'MKIMG003@1']);
    // The page inside the installed extension (the VSIX ships docs/rules): no web repository, no 404.
    for (const d of diagnostics) {
      const page = join(REPO_ROOT, 'docs', 'rules', `${String(d.code)}.md`);
      assert.equal(d.codeDescription?.href, pathToFileURL(page).href);
      // The page exists (in the repository and in the VSIX, which ships docs/rules).
      assert.match(readFileSync(page, 'utf8'), new RegExp(`^# ${String(d.code)}$`, 'm'));
    }
  });

  it('reports a length mismatch on both arrays with related information', async () => {
    const uri = 'file:///p/pairs/image.sh';
    session.client.open(uri, GOOD.replace('(pacman.conf mirrorlist)', '(pacman.conf mirrorlist extra.conf)'));
    const { diagnostics } = await session.client.diagnostics(uri, 1);
    assert.deepEqual(summarize(diagnostics), ['MKIMG004@2', 'MKIMG004@3']);
    const [onSrc, onDst] = diagnostics;
    assert.equal(onSrc.severity, 1);
    assert.equal(onSrc.source, 'makeimg');
    assert.deepEqual(onSrc.range, { start: { line: 1, character: 45 }, end: { line: 1, character: 55 } });
    assert.match(messageOf(onSrc), /preinstall_files_src has 3 elements but preinstall_files_dst has 2: "extra.conf" \(element 3/);
    assert.deepEqual(onSrc.relatedInformation?.[0].location, {
      uri,
      range: { start: { line: 2, character: 21 }, end: { line: 2, character: 62 } },
    });
    assert.deepEqual(onDst.relatedInformation?.[0].location.range, onSrc.range);
    // One problem, counted once in Problems and its badge: the error, and a hint (not listed there) on the shorter array.
    assert.equal(onDst.severity, 4);
  });

  it('follows incremental edits: a typo appears and disappears', async () => {
    const uri = 'file:///p/edit/image.sh';
    session.client.open(uri, GOOD);
    assert.deepEqual((await session.client.diagnostics(uri, 1)).diagnostics, []);
    // "do_install" -> "do_instal" (delete one "l" on line 5).
    session.client.change(uri, 2, [{ range: { start: { line: 4, character: 9 }, end: { line: 4, character: 10 } }, text: '' }]);
    const broken = await session.client.diagnostics(uri, 2);
    assert.deepEqual(summarize(broken.diagnostics), ['MKIMG003@1', 'MKIMG008@5']);
    assert.equal(messageOf(broken.diagnostics[1]), '"do_instal" is not a makeimg hook, so it never runs. Did you mean "do_install"?');
    assert.deepEqual(broken.diagnostics[1].range, { start: { line: 4, character: 0 }, end: { line: 4, character: 9 } });
    // Two changes in one notification: put the "l" back, then break the suffix on line 1.
    session.client.change(uri, 3, [
      { range: { start: { line: 4, character: 9 }, end: { line: 4, character: 9 } }, text: 'l' },
      { range: { start: { line: 0, character: 14 }, end: { line: 0, character: 22 } }, text: 'tgz' },
    ]);
    const suffix = await session.client.diagnostics(uri, 3);
    assert.deepEqual(summarize(suffix.diagnostics), ['MKIMG002@1']);
    assert.deepEqual(suffix.diagnostics[0].range, { start: { line: 0, character: 13 }, end: { line: 0, character: 17 } });
    assert.deepEqual(suffix.diagnostics[0].data, { kind: 'replace', range: suffix.diagnostics[0].range, newText: '.tar.gz' });
    // A full-text change also works.
    session.client.change(uri, 4, [{ text: GOOD }]);
    assert.deepEqual((await session.client.diagnostics(uri, 4)).diagnostics, []);
  });

  it('reports do_postinstall using $img_dir through a helper, with the call chain', async () => {
    const uri = 'file:///p/post/image.sh';
    const text = GOOD.replace('    systemctl enable systemd-networkd', '    setup') + 'setup() {\n    cp x "$img_dir/etc"\n}\n';
    session.client.open(uri, text);
    const { diagnostics } = await session.client.diagnostics(uri, 1);
    assert.deepEqual(summarize(diagnostics), ['MKIMG009@13']);
    assert.deepEqual(
      diagnostics[0].relatedInformation?.map((r) => [r.location.range.start.line + 1, r.message]),
      [
        [9, 'do_postinstall runs inside the new rootfs'],
        [10, 'do_postinstall calls setup here'],
      ],
    );
  });

  it('clears the diagnostics of a closed document', async () => {
    const uri = 'file:///p/close/image.sh';
    // A recipe (it uses $img_dir) without img_name and do_install; a script with none of makeimg's names gets MKIMG020 instead.
    session.client.open(uri, 'echo "no hooks here" >"$img_dir/motd"\n');
    assert.deepEqual(summarize((await session.client.diagnostics(uri, 1)).diagnostics), ['MKIMG001@1', 'MKIMG003@1']);
    session.client.close(uri);
    assert.deepEqual((await session.client.clearedDiagnostics(uri)).diagnostics, []);
  });

  it('answers an unknown request with an error and keeps running', async () => {
    await assert.rejects(session.client.connection.sendRequest('makeimg/noSuchMethod', {}));
    session.client.open('file:///p/after/image.sh', GOOD);
    assert.deepEqual((await session.client.diagnostics('file:///p/after/image.sh', 1)).diagnostics, []);
  });
});

describe('language server settings (workspace/configuration)', function () {
  this.timeout(20_000);

  it('leaves out disabled rules and caps the number of problems, and re-reads on change', async () => {
    const client = await LspTestClient.start({ settings: { disabledRules: ['MKIMG001'], maxNumberOfProblems: 100 } });
    try {
      const uri = 'file:///p/settings/image.sh';
      client.open(uri, 'img_dir=/x\nsrc_dir=/y\n');
      assert.deepEqual(summarize((await client.diagnostics(uri, 1)).diagnostics), ['MKIMG003@1', 'MKIMG010@1', 'MKIMG010@2']);
      client.changeSettings({ disabledRules: [], maxNumberOfProblems: 2 });
      const next = await client.diagnostics(uri);
      assert.deepEqual(summarize(next.diagnostics), ['MKIMG001@1', 'MKIMG003@1']);
    } finally {
      await client.stop();
    }
  });
});

describe('language server diagnostics delay derived from the analysis cost', function () {
  this.timeout(20_000);

  it('without a fixed diagnosticsDelay, a burst of edits sent together is analysed once, for its last version', async () => {
    // No initializationOptions.diagnosticsDelay: the delay follows the document's measured cost (next tick for a small file).
    const client = await LspTestClient.start({ initializationOptions: {} });
    try {
      const uri = 'file:///p/burst/image.sh';
      client.open(uri, 'img_name=a.tar\ndo_install() { :; }\n');
      await client.diagnostics(uri, 1);
      const before = client.published.length;
      const insertX = (version: number) => ({
        jsonrpc: '2.0',
        method: 'textDocument/didChange',
        params: {
          textDocument: { uri, version },
          contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'x' }],
        },
      });
      client.writeRawMessages([2, 3, 4, 5, 6].map((version) => Buffer.from(JSON.stringify(insertX(version)))));
      const last = await client.diagnostics(uri, 6);
      assert.ok(summarize(last.diagnostics).includes('MKIMG003@1'), 'xxxxxdo_install is not do_install');
      // ShellCheck may publish again for version 6; nothing is published for the versions in between.
      assert.deepEqual([...new Set(client.published.slice(before).map((p) => p.version))], [6]);
    } finally {
      await client.stop();
    }
  });
});

describe('language server start-up', function () {
  this.timeout(20_000);

  it('answers initialize with formatting at once, and handles what follows in order once the grammar is loaded', async () => {
    // Everything is sent right after initialize, while the grammar may still be loading (it starts with the process).
    const client = await LspTestClient.start({ initializationOptions: {} });
    try {
      assert.equal(client.initializeResult?.capabilities.documentFormattingProvider, true);
      const uri = 'file:///p/start-up/image.sh';
      client.open(uri, 'img_name=a.tar\ndo_install() {\necho hi\n}\n');
      client.change(uri, 2, [{ range: { start: { line: 3, character: 1 }, end: { line: 3, character: 1 } }, text: '\nhelper() { :; }' }]);
      const [formatted, symbols, published] = await Promise.all([
        client.connection.sendRequest(DocumentFormattingRequest.type, {
          textDocument: { uri },
          options: { tabSize: 4, insertSpaces: true },
        }),
        client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }),
        client.diagnostics(uri, 2),
      ]);
      // The change was applied before the requests were answered: they see version 2.
      type Named = { name: string; children?: Named[] };
      const names = (list: Named[]): string[] => list.flatMap((n) => [n.name, ...names(n.children ?? [])]);
      assert.ok(names(symbols as Named[]).includes('helper'), JSON.stringify(symbols));
      // `echo hi` indented; the helper added by version 2 is already formatted.
      assert.deepEqual(formatted, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: '    ' }]);
      assert.deepEqual(summarize(published.diagnostics), []);
    } finally {
      await client.stop();
    }
  });
});

describe('language server over node IPC (how VS Code starts it)', function () {
  this.timeout(20_000);

  it('initializes and publishes diagnostics', async () => {
    const { spawn } = await import('node:child_process');
    const {
      IPCMessageReader,
      IPCMessageWriter,
      createProtocolConnection,
      InitializeRequest,
      DidOpenTextDocumentNotification,
      PublishDiagnosticsNotification,
    } = await import('vscode-languageserver-protocol/node');
    const { BUNDLED_SERVER } = await import('./support/lsp-client');
    const child = spawn(process.execPath, [BUNDLED_SERVER, '--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    try {
      const published = new Promise<string[]>((resolve) =>
        connection.onNotification(PublishDiagnosticsNotification.type, (p) => resolve(p.diagnostics.map((d) => String(d.code)))),
      );
      connection.listen();
      const init = await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        capabilities: {},
        initializationOptions: { diagnosticsDelay: 0 },
      });
      assert.equal(init.serverInfo?.name, 'makeimg-language-server');
      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri: 'file:///ipc/image.sh', languageId: 'makeimg', version: 1, text: 'do_install() { :; }\n' },
      });
      assert.deepEqual(await published, ['MKIMG001']);
    } finally {
      connection.dispose();
      child.kill();
    }
  });
});
