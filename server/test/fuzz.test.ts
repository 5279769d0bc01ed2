/**
 * Issue 11's proof: a seeded fuzz of the bundled server over stdio. Random
 * edits (typing, deleting, pasting shell fragments, broken text) on a few
 * documents, interleaved with random requests (sometimes with positions
 * past the end), asserting that the server
 *   - never exits and never logs an internal error,
 *   - answers every request within 1 s, never with -32603,
 *   - publishes every range inside the document version it is for,
 *   - gives an edited document the same diagnostics as a fresh open of the
 *     same text, for text bash accepts.
 * ~60 s by default; MAKEIMG_FUZZ_SECONDS runs longer, MAKEIMG_FUZZ_SEED
 * picks another seed (printed on failure).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspTestClient } from './support/lsp-client';

const SECONDS = Number(process.env.MAKEIMG_FUZZ_SECONDS ?? 60);
const SEED = Number(process.env.MAKEIMG_FUZZ_SEED ?? 20261202);
/**
 * 1 s on a quiet machine. On a machine busier than its cores (load average
 * per core above 1) every process runs proportionally slower, so the limit
 * scales with that ratio; MAKEIMG_FUZZ_RESPONSE_MS fixes it.
 */
const RESPONSE_LIMIT_MS = Number(process.env.MAKEIMG_FUZZ_RESPONSE_MS ?? 1000 * Math.max(1, loadavg()[0] / availableParallelism()));

const START = [
  '# A recipe to fuzz.',
  'img_name=fuzz.tar.gz',
  'packages=(systemd-sysv "openssh-server")',
  'preinstall_files_src=(files/a)',
  'preinstall_files_dst=(etc/a)',
  '',
  'do_install() {',
  '    local include',
  '    include=$(IFS=,; echo "${packages[*]}")',
  '    if [ -n "$include" ]; then',
  '        debootstrap --include="$include" bookworm "$img_dir"',
  '    fi',
  '    cat > "$img_dir/etc/motd" <<EOF',
  'Welcome to $img_name',
  'EOF',
  '}',
  '',
  'do_postinstall() {',
  '    setup_users',
  '    for u in admin guest; do echo "$u"; done',
  '}',
  '',
  'setup_users() {',
  '    useradd -m admin',
  '    echo `date` $(( 1 + 2 ))',
  '}',
  '',
].join('\n');

const PIECES = [
  '{',
  '}',
  '(',
  ')',
  '"',
  "'",
  '`',
  '$(',
  '${',
  '$((',
  '))',
  '[[',
  ']]',
  ';',
  ';;',
  '&&',
  '||',
  '|',
  '\n',
  '\n\n',
  ' ',
  '\t',
  'if true; then',
  'fi',
  'do',
  'done',
  'case x in',
  'esac',
  'for x in a b; do',
  'while :; do',
  'function f',
  'f() {',
  '<<EOF\n',
  'EOF\n',
  'img_dir',
  '$img_dir',
  '"$src_dir/x"',
  'img_name=x.tar',
  'do_install',
  'do_postinstall() {',
  'local img_dir=/',
  ': "${img_dir:=/}"',
  'postinstall_files_src=(a b)',
  'postinstall_files_dst=(c)',
  'source ./lib.sh',
  'eval "$x"',
  'é',
  '😀',
  '\\',
  '\r\n',
  '#',
  '$1',
  '*',
  '~',
];

const REQUESTS = [
  'textDocument/hover',
  'textDocument/completion',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/documentHighlight',
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'textDocument/codeAction',
  'textDocument/inlayHint',
  'textDocument/codeLens',
  'textDocument/documentLink',
  'textDocument/prepareRename',
  'textDocument/rename',
  'textDocument/semanticTokens/full',
  'textDocument/prepareCallHierarchy',
  'textDocument/formatting',
];

class Random {
  constructor(private seed: number) {}
  next(n: number): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((this.seed / 2147483648) * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.next(items.length)];
  }
}

/** LSP line starts: lines break at '\r\n', '\r' and '\n'. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r' && text[i + 1] === '\n') continue;
    if (text[i] === '\n' || text[i] === '\r') starts.push(i + 1);
  }
  return starts;
}

function notInsideCrlf(text: string, offset: number): number {
  return offset > 0 && text[offset - 1] === '\r' && text[offset] === '\n' ? offset - 1 : offset;
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  return { line, character: offset - starts[line] };
}

/** Whether a diagnostic's range lies inside `text` as LSP counts lines. */
function inside(text: string, d: Diagnostic): boolean {
  const lines = text.split(/\r\n|\r|\n/);
  const ok = (p: { line: number; character: number }) =>
    p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
  return ok(d.range.start) && ok(d.range.end);
}

function bashAccepts(text: string): boolean {
  return spawnSync('bash', ['-O', 'extglob', '-n'], { input: text }).status === 0;
}

/** The rules' diagnostics of a publish, as comparable strings (ShellCheck's arrive on their own schedule). */
const own = (p: PublishDiagnosticsParams): string[] =>
  p.diagnostics
    .filter((d) => d.source === 'makeimg')
    .map((d) => `${String(d.code)} ${JSON.stringify(d.range)} ${typeof d.message === 'string' ? d.message : ''}`);

describe(`language server fuzz (seed ${SEED}, ${SECONDS} s, responses within ${Math.round(RESPONSE_LIMIT_MS)} ms)`, function () {
  this.timeout((SECONDS + 120) * 1000);

  it('stays up, answers within 1 s, publishes only ranges inside the document, and edits equal a fresh open', async () => {
    // A debug run: every 5th incremental reparse is compared with a fresh parse, and a difference logged (issue 11 item 18).
    process.env.MAKEIMG_CHECK_INCREMENTAL = '5';
    const client = await LspTestClient.start({ settings: { shellcheck: { enable: true, path: 'shellcheck' } } }).finally(
      () => delete process.env.MAKEIMG_CHECK_INCREMENTAL,
    );
    const random = new Random(SEED);
    const uris = ['a', 'b', 'c'].map((name) => `file:///fuzz/${name}/image.sh`);
    const texts = new Map<string, Map<number, string>>();
    const current = new Map<string, { version: number; text: string }>();
    const problems: string[] = [];
    let edits = 0;
    let requests = 0;
    let comparisons = 0;
    try {
      for (const uri of uris) {
        client.open(uri, START);
        texts.set(uri, new Map([[1, START]]));
        current.set(uri, { version: 1, text: START });
      }
      // Timing starts once the server has analysed its first documents (JIT warm-up is not the fuzz's concern).
      for (const uri of uris) await client.diagnostics(uri, 1, 30_000);
      const deadline = performance.now() + SECONDS * 1000;
      while (performance.now() < deadline && problems.length === 0) {
        const uri = random.pick(uris);
        const doc = current.get(uri)!;
        const roll = random.next(100);
        if (roll < 70) {
          // An edit: insert a piece, delete up to 40 characters, or both; now and then back to the start.
          // An LSP position cannot point between the '\r' and '\n' of a CRLF (it means the end of the line,
          // before the '\r'): such offsets move before the '\r', or the client's text and the server's part.
          const start = notInsideCrlf(doc.text, random.next(doc.text.length + 1));
          const end = notInsideCrlf(
            doc.text,
            Math.max(start, Math.min(doc.text.length, start + (random.next(3) === 0 ? random.next(40) : 0))),
          );
          let insert = random.next(5) === 0 ? '' : random.pick(PIECES);
          let range = { start: positionAt(doc.text, start), end: positionAt(doc.text, end) };
          let next = doc.text.slice(0, start) + insert + doc.text.slice(end);
          if (next.length > 6000 || random.next(200) === 0) {
            insert = START;
            range = { start: { line: 0, character: 0 }, end: positionAt(doc.text, doc.text.length) };
            next = START;
          }
          doc.version++;
          doc.text = next;
          texts.get(uri)!.set(doc.version, next);
          client.change(uri, doc.version, [{ range, text: insert }]);
          edits++;
        } else if (roll < 95) {
          const method = random.pick(REQUESTS);
          const position = { line: random.next(doc.text.split('\n').length + 2), character: random.next(60) };
          const params: Record<string, unknown> = { textDocument: { uri }, position };
          if (method === 'textDocument/references') params.context = { includeDeclaration: true };
          if (method === 'textDocument/rename') params.newName = 'renamed_x';
          if (method === 'textDocument/codeAction')
            Object.assign(params, { range: { start: position, end: position }, context: { diagnostics: [] } });
          if (method === 'textDocument/inlayHint') params.range = { start: { line: 0, character: 0 }, end: position };
          if (method === 'textDocument/formatting') params.options = { tabSize: 4, insertSpaces: true };
          const started = performance.now();
          try {
            await client.connection.sendRequest(method, params);
          } catch (error) {
            const code = (error as { code?: number }).code;
            // RequestFailed: rename/prepareRename saying no. Anything else is a defect.
            if (code !== -32803) problems.push(`${method} ${JSON.stringify(params)}: ${String(error)} (code ${code})`);
          }
          const ms = performance.now() - started;
          if (ms > RESPONSE_LIMIT_MS) problems.push(`${method} took ${ms.toFixed(0)} ms (version ${doc.version} of ${uri})`);
          requests++;
        } else {
          // This version's diagnostics; for text bash accepts, the same as a fresh open of that text.
          const published = await client.diagnostics(uri, doc.version, 30_000);
          if (bashAccepts(doc.text)) {
            const fresh = `file:///fuzz/fresh-${comparisons}/image.sh`;
            client.open(fresh, doc.text);
            const freshPublished = await client.diagnostics(fresh, 1, 30_000);
            client.close(fresh);
            const a = own(published);
            const b = own(freshPublished);
            if (JSON.stringify(a) !== JSON.stringify(b)) {
              problems.push(`incremental != fresh for ${JSON.stringify(doc.text)}:\n  ${a.join('\n  ')}\nvs\n  ${b.join('\n  ')}`);
            }
            comparisons++;
          }
        }
        if (!client.alive) problems.push('the server exited');
      }
      for (const p of client.published) {
        const text = p.version === undefined ? undefined : texts.get(p.uri)?.get(p.version);
        if (text === undefined) continue;
        for (const d of p.diagnostics) {
          if (!inside(text, d))
            problems.push(`${p.uri} v${p.version}: ${String(d.code)} at ${JSON.stringify(d.range)} is outside the text`);
        }
      }
      problems.push(...client.logs.filter((l) => /failed:|uncaught|unhandled/i.test(l)).map((l) => `server logged: ${l.slice(0, 500)}`));
      // What the sampled comparison found: the published result does not depend on it (a small document with
      // errors is parsed afresh; the comparison above checks valid text), so it is shown, not failed on.
      const differences = client.logs.filter((l) => l.includes('differs from a fresh parse'));
      if (differences.length > 0)
        console.log(`  ${differences.length} sampled incremental parses differed from a fresh one, e.g. ${differences[0]!.slice(0, 300)}`);
      if (!client.alive) problems.push('the server exited');
    } finally {
      await client.stop();
    }
    assert.deepEqual(
      problems.slice(0, 5),
      [],
      `seed ${SEED}: ${problems.length} problems after ${edits} edits, ${requests} requests, ${comparisons} comparisons`,
    );
    assert.ok(edits >= 20 && requests >= 5, `only ${edits} edits and ${requests} requests ran`);
  });
});
