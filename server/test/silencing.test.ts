/**
 * Silencing a finding in place and fixing all safe problems, over the real
 * protocol (bundled server, real shellcheck): `# makeimg-disable-next-line`
 * and `# makeimg-disable` directives, the "Disable CODE for this line / this
 * file" quick fixes (also for ShellCheck's codes, in the file's indentation),
 * and the `source.fixAll.makeimg` code action. Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import { CodeActionRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import { DEFAULT_SERVER_SETTINGS } from '../../shared/ids-and-settings';
import { applyTextEdits, textEditsFor } from './support/edits';
import { summarize } from './support/lsp-client';
import { serverForSuite } from './support/suite';

const BASE = 'file:///nonexistent-makeimg-test/silencing';

describe('silencing findings and fixing all (directives, disable quick fixes, source.fixAll.makeimg)', function () {
  this.timeout(30_000);
  let counter = 0;
  const session = serverForSuite({ settings: { ...DEFAULT_SERVER_SETTINGS, shellcheck: { enable: true, path: '' } } });

  /** Open `text` and wait for the publish that has ShellCheck's findings too (when `withShellcheck`). */
  async function open(text: string, withShellcheck = false): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const uri = `${BASE}/${++counter}/image.sh`;
    const since = session.client.published.length;
    session.client.open(uri, text, 1);
    const published = await session.client.publishMatching(
      uri,
      (p) => p.version === 1 && (!withShellcheck || p.diagnostics.some((d) => d.source === 'shellcheck')),
      since,
    );
    return { uri, diagnostics: published.diagnostics };
  }

  async function edit(uri: string, version: number, text: string): Promise<Diagnostic[]> {
    const since = session.client.published.length;
    session.client.change(uri, version, [{ text }]);
    return (await session.client.publishMatching(uri, (p) => p.version === version, since)).diagnostics;
  }

  function actions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    return session.client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics, only },
    }) as Promise<CodeAction[]>;
  }

  it('# makeimg-disable-next-line silences its codes on the next line only; # makeimg-disable in the whole file', async () => {
    const text = ['img_name=a.tar', '# makeimg-disable-next-line MKIMG010', 'img_dir=/x', 'src_dir=/y', 'do_install() { :; }', ''].join(
      '\n',
    );
    const { uri, diagnostics } = await open(text);
    assert.deepEqual(summarize(diagnostics.filter((d) => d.source === 'makeimg')), ['MKIMG010@4']);
    const fileWide = await edit(uri, 2, `# makeimg-disable MKIMG010\n${text}`);
    assert.deepEqual(summarize(fileWide.filter((d) => d.source === 'makeimg')), []);
  });

  it('"Disable MKIMG010 for this line" inserts the directive above, in the line\'s indentation, and the finding goes', async () => {
    const text = ['img_name=a.tar', 'do_install() {', '\tif true; then', '\t\timg_dir=/x', '\tfi', '}', ''].join('\n');
    const { uri, diagnostics } = await open(text);
    const target = diagnostics.filter((d) => d.code === 'MKIMG010');
    assert.equal(target.length, 1);
    const disable = (await actions(uri, target)).find((a) => a.title === 'Disable MKIMG010 for this line');
    assert.ok(disable, 'a disable-for-line action');
    const fixed = applyTextEdits(text, textEditsFor(disable.edit, uri));
    assert.equal(fixed, text.replace('\t\timg_dir=/x', '\t\t# makeimg-disable-next-line MKIMG010\n\t\timg_dir=/x'));
    assert.deepEqual(summarize((await edit(uri, 2, fixed)).filter((d) => d.source === 'makeimg')), []);
  });

  it('"Disable MKIMG003 for this file" goes below the shebang; a whole-file finding has no line to silence', async () => {
    const text = '#!/bin/bash\nimg_name=a.tar\n';
    const { uri, diagnostics } = await open(text);
    const target = diagnostics.filter((d) => d.code === 'MKIMG003');
    const titles = (await actions(uri, target)).map((a) => a.title);
    assert.ok(titles.includes('Disable MKIMG003 for this file'), titles.join(', '));
    assert.ok(!titles.includes('Disable MKIMG003 for this line'), titles.join(', '));
    const disable = (await actions(uri, target)).find((a) => a.title === 'Disable MKIMG003 for this file');
    const fixed = applyTextEdits(text, textEditsFor(disable?.edit, uri));
    assert.equal(fixed, '#!/bin/bash\n# makeimg-disable MKIMG003\nimg_name=a.tar\n');
    assert.deepEqual(summarize((await edit(uri, 2, fixed)).filter((d) => d.source === 'makeimg')), []);
  });

  it('"Disable SC2086 for this line" writes ShellCheck\'s own directive, indented, and ShellCheck stops reporting it', async () => {
    const text = ['img_name=a.tar', 'do_install() {', '    x="a b"', '    echo $x', '}', ''].join('\n');
    const { uri, diagnostics } = await open(text, true);
    const target = diagnostics.filter((d) => d.code === 'SC2086');
    assert.equal(target.length, 1, JSON.stringify(diagnostics.map((d) => d.code)));
    const disable = (await actions(uri, target)).find((a) => a.title === 'Disable SC2086 for this line');
    assert.ok(disable, 'a disable-for-line action for ShellCheck');
    const fixed = applyTextEdits(text, textEditsFor(disable.edit, uri));
    assert.equal(fixed, text.replace('    echo $x', '    # shellcheck disable=SC2086\n    echo $x'));
    const since = session.client.published.length;
    session.client.change(uri, 2, [{ text: fixed }]);
    // ShellCheck's run for version 2 replaces its findings: wait until its publish no longer has SC2086.
    await session.client.publishMatching(uri, (p) => p.version === 2 && !p.diagnostics.some((d) => d.code === 'SC2086'), since);
  });

  it('source.fixAll.makeimg applies the safe fixes only (the suffix, not a guessed rename)', async () => {
    const text = 'img_name=debian.tgz\nimg_dir=/x\ndo_install() { :; }\n';
    const { uri, diagnostics } = await open(text);
    assert.deepEqual(summarize(diagnostics.filter((d) => d.source === 'makeimg')), ['MKIMG002@1', 'MKIMG010@2']);
    const [fixAll, ...more] = await actions(uri, [], ['source.fixAll.makeimg']);
    assert.equal(more.length, 0);
    assert.equal(fixAll.kind, 'source.fixAll.makeimg');
    assert.equal(applyTextEdits(text, textEditsFor(fixAll.edit, uri)), text.replace('debian.tgz', 'debian.tar.gz'));
    // Asked for source.fixAll in general (what editor.codeActionsOnSave "source.fixAll" sends), the same.
    assert.equal((await actions(uri, [], ['source.fixAll']))[0]?.kind, 'source.fixAll.makeimg');
    // A quick-fix request does not get it.
    assert.ok((await actions(uri, diagnostics)).every((a) => a.kind === 'quickfix'));
  });
});
