/**
 * Requests whose answer describes the whole document and that VS Code keeps
 * for the document's version (document symbols, folding ranges, ...) are
 * answered from the complete facts of the current version, never from a
 * half-done analysis: over the real protocol (bundled server), with a facts
 * budget of 1 ms, so that the analysis of a few thousand functions takes
 * many slices whatever the machine's speed. Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import {
  CancellationTokenSource,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  LSPErrorCodes,
  SemanticTokensRequest,
  type DocumentSymbol,
  type FoldingRange,
} from 'vscode-languageserver-protocol';
import { serverForSuite } from './support/suite';

/** `count` helpers and the hooks: each a top-level statement the walk of the facts takes in turn. */
function manyFunctions(count: number, last = 'do_postinstall'): string {
  const helpers = Array.from({ length: count }, (_, i) => `h${i}() {\n    echo "${i}"\n}\n`).join('');
  return `img_name=x.tar\ndo_install() {\n    mkdir -p "$img_dir/etc"\n}\n${helpers}${last}() {\n    h0\n}\n`;
}

/** Every function in the outline (it groups them by stage, helpers under their hook). */
function functionNames(symbols: DocumentSymbol[] | null): string[] {
  const names: string[] = [];
  const visit = (list: DocumentSymbol[]) => {
    for (const s of list) {
      if (s.kind === 12 /* Function */) names.push(s.name);
      visit(s.children ?? []);
    }
  };
  visit(symbols ?? []);
  return names.sort();
}

const COUNT = 2000;
const expectedNames = (last = 'do_postinstall') => ['do_install', last, ...Array.from({ length: COUNT }, (_, i) => `h${i}`)].sort();

describe('language server: whole-document requests wait for the complete analysis of the current version', function () {
  this.timeout(120_000);
  before(() => {
    process.env.MAKEIMG_FACTS_BUDGET_MS = '1';
  });
  after(() => {
    delete process.env.MAKEIMG_FACTS_BUDGET_MS;
  });
  const session = serverForSuite({ settings: { shellcheck: { enable: false, path: 'shellcheck' } } });

  it('documentSymbol and foldingRange asked right after the open list every function, not the [] of a half-done analysis', async () => {
    const uri = 'file:///whole/open/image.sh';
    const { connection } = session.client;
    session.client.open(uri, manyFunctions(COUNT));
    const [symbols, folds] = await Promise.all([
      connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }) as Promise<DocumentSymbol[] | null>,
      connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } }) as Promise<FoldingRange[] | null>,
    ]);
    assert.deepEqual(functionNames(symbols), expectedNames());
    // One fold per function body (do_install, the helpers, do_postinstall).
    assert.equal(folds?.length, COUNT + 2);
  });

  it('an edit while documentSymbol waits: the answer is the newest version’s', async () => {
    const uri = 'file:///whole/edit/image.sh';
    const { client } = session;
    client.open(uri, manyFunctions(COUNT));
    const asked = client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }) as Promise<DocumentSymbol[] | null>;
    // The last hook renamed: version 1 has do_postinstall, version 2 do_finish; only version 2's may come back.
    const line = 4 + 3 * COUNT;
    client.change(uri, 2, [
      { range: { start: { line, character: 0 }, end: { line, character: 'do_postinstall'.length } }, text: 'do_finish' },
    ]);
    assert.deepEqual(functionNames(await asked), expectedNames('do_finish'));
  });

  it('a hover sent while documentSymbol waits is answered first; the symbols come once the analysis is complete', async () => {
    const uri = 'file:///whole/hover/image.sh';
    const { client } = session;
    client.open(uri, manyFunctions(COUNT));
    const order: string[] = [];
    const symbols = (
      client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }) as Promise<DocumentSymbol[] | null>
    ).then((s) => {
      order.push('symbols');
      return s;
    });
    const hover = client.connection
      .sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 2 } })
      .then((h) => {
        order.push('hover');
        // The analysis of version 1 was still going on when the hover was answered: no complete publish yet
        // (one with MKIMG019 says that it goes on).
        const complete = client.published.some(
          (p) => p.uri === uri && p.version === 1 && !p.diagnostics.some((d) => d.code === 'MKIMG019'),
        );
        order.push(complete ? 'analysed' : 'still analysing');
        return h;
      });
    const [found] = await Promise.all([symbols, hover]);
    assert.deepEqual(order, ['hover', 'still analysing', 'symbols']);
    assert.deepEqual(functionNames(found), expectedNames());
  });

  it('a cancelled request stops waiting and answers RequestCancelled; semantic tokens wait too', async () => {
    const uri = 'file:///whole/cancel/image.sh';
    const { client } = session;
    client.open(uri, manyFunctions(COUNT));
    const source = new CancellationTokenSource();
    const cancelled = client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }, source.token);
    const tokens = client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
    source.cancel();
    await assert.rejects(cancelled, (error: { code?: number }) => {
      assert.equal(error.code, LSPErrorCodes.RequestCancelled);
      return true;
    });
    const data = (await tokens)?.data ?? [];
    assert.ok(data.length > 0);
    // The same as asked once the analysis is complete.
    assert.deepEqual((await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }))?.data, data);
  });

  it('a document closed while documentSymbol waits: the fallback', async () => {
    const uri = 'file:///whole/close/image.sh';
    const { client } = session;
    client.open(uri, manyFunctions(COUNT));
    const asked = client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
    client.close(uri);
    assert.deepEqual(await asked, []);
  });

  it('an unopened document answers the fallback at once', async () => {
    const symbols = await session.client.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri: 'file:///whole/unopened/image.sh' },
    });
    assert.deepEqual(symbols, []);
  });
});
