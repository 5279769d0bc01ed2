/**
 * ShellCheck merged into the server's diagnostics (the real shellcheck
 * binary), its fixes as quick fixes, and the settings read through
 * workspace/configuration: disabled codes (makeimg's and ShellCheck's),
 * maximum number of problems, shellcheck on/off. Needs
 * `node scripts/bundle.mjs` and shellcheck on PATH.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, type CodeAction, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { execFileSync } from 'node:child_process';
import { DEFAULT_SERVER_SETTINGS, STATUS_REQUEST, type ServerSettings, type ServerStatus } from '../../shared/ids-and-settings';
import { applyTextEdits, textEditsFor } from './support/edits';
import { serverForSuite } from './support/suite';

const TEXT = ['img_name=a.tgz', 'do_install() {', '    mkdir $img_dir/x', '    touch $HOME/y', '}', ''].join('\n');

const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.source}:${String(d.code)}@${d.range.start.line + 1}`);
const hasShellcheck = (p: PublishDiagnosticsParams) => p.diagnostics.some((d) => d.source === 'shellcheck');

describe('ShellCheck findings and settings', function () {
  this.timeout(20_000);
  const settings = (changes: Partial<ServerSettings>): ServerSettings => ({
    ...DEFAULT_SERVER_SETTINGS,
    shellcheck: { enable: true, path: '' },
    ...changes,
  });
  const session = serverForSuite({ settings: settings({}) });

  it("merges ShellCheck findings with makeimg's, without its false alarms about img_name and $img_dir", async () => {
    const uri = 'file:///nonexistent-makeimg-test/sc/merge/image.sh';
    session.client.open(uri, TEXT, 1);
    const published = await session.client.publishMatching(uri, (p) => p.version === 1 && hasShellcheck(p));
    // Plain shellcheck also reports SC2034 (img_name unused) and SC2154 ($img_dir unassigned).
    assert.deepEqual(codes(published.diagnostics), ['makeimg:MKIMG002@1', 'shellcheck:SC2086@3', 'shellcheck:SC2086@4']);
    const sc = published.diagnostics[1];
    assert.deepEqual(sc.range, { start: { line: 2, character: 10 }, end: { line: 2, character: 18 } });
    assert.equal(sc.codeDescription?.href, 'https://www.shellcheck.net/wiki/SC2086');
  });

  it("offers ShellCheck's own fix next to makeimg's; applied, the re-check drops that finding", async () => {
    const uri = 'file:///nonexistent-makeimg-test/sc/fix/image.sh';
    session.client.open(uri, TEXT, 1);
    const { diagnostics } = await session.client.publishMatching(uri, (p) => p.version === 1 && hasShellcheck(p));
    const actions = (await session.client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostics[0].range,
      context: { diagnostics: [diagnostics[0], diagnostics[1]] },
    })) as CodeAction[];
    // (The "Disable CODE for this line/file" actions are tested in silencing.test.ts.)
    const fixes = actions.filter((a) => !/^Disable \S+ for this (line|file)$/.test(a.title));
    assert.deepEqual(
      fixes.map((a) => a.title),
      ['Replace ".tgz" with ".tar.gz"', "Apply ShellCheck's fix for SC2086"],
    );
    const fixed = applyTextEdits(TEXT, textEditsFor(fixes[1].edit, uri));
    assert.equal(fixed, TEXT.replace('mkdir $img_dir/x', 'mkdir "$img_dir"/x'));
    const since = session.client.published.length;
    session.client.change(uri, 2, [{ text: fixed }]);
    // A whole-document change touches every line, so earlier findings are dropped at once (issue 11 item 17);
    // the next ShellCheck run publishes without the fixed one.
    const after = await session.client.publishMatching(
      uri,
      (p) => p.version === 2 && hasShellcheck(p) && !p.diagnostics.some((d) => d.range.start.line === 2),
      since,
    );
    assert.deepEqual(codes(after.diagnostics), ['makeimg:MKIMG002@1', 'shellcheck:SC2086@4']);
  });

  it('makeimg/status (the language status item): ShellCheck on with its version, off, or why it cannot run', async () => {
    const uri = 'file:///nonexistent-makeimg-test/sc/status/image.sh';
    const status = () => session.client.connection.sendRequest<ServerStatus>(STATUS_REQUEST, { uri });
    const installed = /^version:\s*(\S+)/m.exec(execFileSync('shellcheck', ['--version'], { encoding: 'utf8' }))![1];
    assert.deepEqual(await status(), { shellcheck: { enabled: true, executable: 'shellcheck', version: installed } });
    try {
      session.client.changeSettings(settings({ shellcheck: { enable: false, path: '' } }));
      assert.deepEqual(await status(), { shellcheck: { enabled: false } });
      session.client.changeSettings(settings({ shellcheck: { enable: true, path: '/nonexistent/shellcheck' } }));
      const missing = (await status()).shellcheck;
      assert.ok(
        missing.enabled && missing.version === undefined && /not found|ENOENT/i.test(missing.problem ?? ''),
        JSON.stringify(missing),
      );
    } finally {
      session.client.changeSettings(settings({}));
    }
    await assert.rejects(session.client.connection.sendRequest(STATUS_REQUEST, {}), /needs a uri/);
  });

  describe('settings (re-read on workspace/didChangeConfiguration)', () => {
    const uri = 'file:///nonexistent-makeimg-test/sc/settings/image.sh';
    before(async () => {
      session.client.open(uri, TEXT, 1);
      await session.client.publishMatching(uri, (p) => p.version === 1 && hasShellcheck(p));
    });

    it('disabledRules hides makeimg codes and ShellCheck codes alike', async () => {
      const since = session.client.published.length;
      session.client.changeSettings(settings({ disabledRules: ['MKIMG002', 'SC2086'] }));
      const published = await session.client.publishMatching(uri, () => true, since);
      assert.deepEqual(published.diagnostics, []);
    });

    it("maxNumberOfProblems caps the merged list, makeimg's own first", async () => {
      const since = session.client.published.length;
      session.client.changeSettings(settings({ maxNumberOfProblems: 2 }));
      const published = await session.client.publishMatching(uri, () => true, since);
      assert.deepEqual(codes(published.diagnostics), ['makeimg:MKIMG002@1', 'shellcheck:SC2086@3']);
    });

    it('shellcheck.enable = false drops ShellCheck findings; true brings them back', async () => {
      let since = session.client.published.length;
      session.client.changeSettings(settings({ shellcheck: { enable: false, path: '' } }));
      let published = await session.client.publishMatching(uri, (p) => !hasShellcheck(p), since);
      assert.deepEqual(codes(published.diagnostics), ['makeimg:MKIMG002@1']);
      since = session.client.published.length;
      session.client.changeSettings(settings({}));
      published = await session.client.publishMatching(uri, hasShellcheck, since);
      assert.deepEqual(codes(published.diagnostics), ['makeimg:MKIMG002@1', 'shellcheck:SC2086@3', 'shellcheck:SC2086@4']);
    });

    it("a shellcheck path that does not exist is not an error: makeimg's diagnostics remain, the log says why", async () => {
      const since = session.client.published.length;
      session.client.changeSettings(settings({ shellcheck: { enable: true, path: '/nonexistent/shellcheck' } }));
      const published = await session.client.publishMatching(uri, (p) => !hasShellcheck(p), since);
      assert.deepEqual(codes(published.diagnostics), ['makeimg:MKIMG002@1']);
      assert.ok(
        session.client.logs.some((l) => l.includes('ShellCheck is unavailable')),
        session.client.logs.join('\n'),
      );
    });
  });

  describe('file rule codes', () => {
    let directory: string;
    before(() => {
      directory = mkdtempSync(join(tmpdir(), 'makeimg-settings-'));
      mkdirSync(join(directory, 'files'));
    });
    after(() => rmSync(directory, { recursive: true, force: true }));

    it('MKIMG013 can be disabled like any rule', async () => {
      const uri = pathToFileURL(join(directory, 'image.sh')).toString();
      const text = 'img_name=a.tar\npreinstall_files_src=(files/nope)\npreinstall_files_dst=(etc/nope)\ndo_install() { :; }\n';
      writeFileSync(join(directory, 'image.sh'), text);
      let since = session.client.published.length;
      session.client.changeSettings(settings({ shellcheck: { enable: false, path: '' } }));
      session.client.open(uri, text, 1);
      let published = await session.client.publishMatching(uri, (p) => p.version === 1, since);
      assert.deepEqual(codes(published.diagnostics), ['makeimg:MKIMG013@2']);
      since = session.client.published.length;
      session.client.changeSettings(settings({ shellcheck: { enable: false, path: '' }, disabledRules: ['MKIMG013'] }));
      published = await session.client.publishMatching(uri, () => true, since);
      assert.deepEqual(published.diagnostics, []);
    });
  });
});
