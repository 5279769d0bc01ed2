/**
 * Bad input never takes the bundled server down: it answers, logs, and
 * carries on. Each case is followed by a check that a normal document still
 * gets its diagnostics.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { messageOf, summarize } from './support/lsp-client';
import { serverForSuite } from './support/suite';

const CORRECT = 'img_name=x.tar\ndo_install() {\n    mkdir "$img_dir/etc"\n}\n';

describe('language server robustness (dist/server.js)', function () {
  this.timeout(60_000);
  let healthChecks = 0;
  const session = serverForSuite();

  async function assertStillServing(): Promise<void> {
    const uri = `file:///health/${++healthChecks}/image.sh`;
    session.client.open(uri, CORRECT);
    assert.deepEqual((await session.client.diagnostics(uri, 1)).diagnostics, []);
    assert.ok(session.client.alive, 'server process exited');
  }

  it('binary garbage: reports syntax errors (capped), keeps serving', async () => {
    const garbage = randomBytes(200_000).toString('latin1');
    session.client.open('file:///bad/garbage.sh', garbage);
    const { diagnostics } = await session.client.diagnostics('file:///bad/garbage.sh', 1);
    assert.ok(diagnostics.length > 0 && diagnostics.length <= 100, `got ${diagnostics.length} diagnostics`);
    await assertStillServing();
  });

  it('a 5 MB file: not analysed, says so, keeps serving; typing in it stays possible', async () => {
    const big = `img_name=x.tar\n${'echo "line of a very large file"\n'.repeat(160_000)}`;
    assert.ok(big.length > 5_000_000);
    session.client.open('file:///bad/huge.sh', big);
    const { diagnostics } = await session.client.diagnostics('file:///bad/huge.sh', 1);
    assert.equal(diagnostics.length, 1);
    assert.match(messageOf(diagnostics[0]), /too large to check/);
    session.client.change('file:///bad/huge.sh', 2, [
      { range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: '# hi\n' },
    ]);
    await session.client.diagnostics('file:///bad/huge.sh', 2);
    await assertStillServing();
  });

  it('10,000 nested braces: answers with a syntax error, keeps serving', async () => {
    const nested = `img_name=x.tar\ndo_install() {\n${'{ '.repeat(10_000)}true\n}\n`;
    session.client.open('file:///bad/nested.sh', nested);
    const { diagnostics } = await session.client.diagnostics('file:///bad/nested.sh', 1);
    assert.ok(
      diagnostics.some((d) => d.code === 'MKIMG011'),
      summarize(diagnostics).join(' '),
    );
    session.client.open(
      'file:///bad/nested-closed.sh',
      `img_name=x.tar\ndo_install() {\n${'{ '.repeat(10_000)}true; ${'}; '.repeat(10_000)}\n}\n`,
    );
    assert.deepEqual((await session.client.diagnostics('file:///bad/nested-closed.sh', 1)).diagnostics, []);
    await assertStillServing();
  });

  it('invalid UTF-8 bytes on the wire and lone surrogates in the text', async () => {
    const json = JSON.stringify({
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: { textDocument: { uri: 'file:///bad/utf8.sh', languageId: 'makeimg', version: 1, text: 'img_name=XX.tar.gz\n' } },
    });
    // Replace "XX" with bytes that are not UTF-8.
    const body = Buffer.from(json, 'utf8');
    const at = body.indexOf('XX');
    body[at] = 0xff;
    body[at + 1] = 0xc3;
    session.client.writeRawMessage(body);
    const raw = await session.client.diagnostics('file:///bad/utf8.sh', 1);
    assert.deepEqual(summarize(raw.diagnostics), ['MKIMG003@1']);

    session.client.open('file:///bad/surrogate.sh', 'img_name=\ud800.tar.gz\ndo_install() { :; }\n');
    assert.deepEqual((await session.client.diagnostics('file:///bad/surrogate.sh', 1)).diagnostics, []);
    await assertStillServing();
  });

  it('a document closed right after open or edit: no late diagnostics, keeps serving', async () => {
    const uri = 'file:///bad/closing.sh';
    const lines = Array.from({ length: 3000 }, (_, i) => `f${i}() { echo "$img_dir/${i}"; }`).join('\n');
    session.client.open(uri, `img_name=x\n${lines}\n`);
    session.client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edit\n' }]);
    session.client.close(uri);
    await session.client.clearedDiagnostics(uri);
    await assertStillServing();
    const afterClose = session.client.published.slice(
      session.client.published.findIndex((p) => p.uri === uri && p.version === undefined) + 1,
    );
    assert.equal(afterClose.filter((p) => p.uri === uri).length, 0, 'diagnostics published after close');
  });

  it('edits with ranges outside the document are clamped, not fatal', async () => {
    const uri = 'file:///bad/ranges.sh';
    session.client.open(uri, CORRECT);
    await session.client.diagnostics(uri, 1);
    session.client.change(uri, 2, [
      { range: { start: { line: 99, character: 5 }, end: { line: 120, character: 0 } }, text: 'echo tail\n' },
    ]);
    assert.deepEqual((await session.client.diagnostics(uri, 2)).diagnostics, []);
    await assertStillServing();
  });
});
