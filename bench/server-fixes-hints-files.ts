/**
 * Editor features part B, measured over the real protocol against the
 * bundled server (dist/server.js) on a generated 10,000-line image.sh in a
 * temporary directory with 200 source files: quick fixes, inlay hints,
 * document links, code lens (p50/p95), each both on an unchanged document
 * and right after an edit (the request then includes the re-parse), and the
 * time from a watched-file event to the updated diagnostics.
 *
 * Run: node scripts/bundle.mjs && node --import tsx bench/server-fixes-hints-files.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CodeLensRequest,
  DidChangeWatchedFilesNotification,
  DocumentLinkRequest,
  FileChangeType,
  InlayHintRequest,
  type Diagnostic,
} from 'vscode-languageserver-protocol';
import { LspTestClient } from '../server/test/support/lsp-client';
import { percentile } from './support/stats';

const LINES = 10_000;
const SOURCES = 200;
const RUNS = 50;

/** A long image.sh: file arrays at the top (one source missing, one destination short), then helper functions. */
function generate(): string {
  const sources = Array.from({ length: SOURCES }, (_, i) => `    files/f${i}.conf`);
  const destinations = Array.from({ length: SOURCES - 1 }, (_, i) => `    etc/f${i}.conf`);
  const head = [
    '# generated benchmark image',
    'img_name=bench.tar.zst',
    'postinstall_files_src=(',
    ...sources,
    '    files/missing.conf',
    ')',
    'postinstall_files_dst=(',
    ...destinations,
    ')',
    'do_install() {',
    '    debootstrap bookworm "$img_dir"',
    '}',
  ];
  const body: string[] = [];
  for (let i = 0; head.length + body.length + 6 < LINES; i++) {
    body.push(`# helper ${i}`, `helper_${i}() {`, `    local item="$1"`, `    echo "step ${i}: $item" >> "$img_dir/log"`, '}', '');
  }
  while (head.length + body.length < LINES) body.push('# end');
  return [...head, ...body].join('\n');
}

async function timed(run: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times;
}

function report(name: string, times: number[]): void {
  console.log(
    `${name.padEnd(46)} p50 ${percentile(times, 50).toFixed(2).padStart(7)} ms   p95 ${percentile(times, 95).toFixed(2).padStart(7)} ms`,
  );
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'makeimg-bench-b-'));
  mkdirSync(join(directory, 'files'));
  for (let i = 0; i < SOURCES; i++) writeFileSync(join(directory, 'files', `f${i}.conf`), '');
  const text = generate();
  const uri = pathToFileURL(join(directory, 'image.sh')).toString();
  writeFileSync(join(directory, 'image.sh'), text);

  const client = await LspTestClient.start({
    settings: { shellcheck: { enable: false, path: '' } },
    // The server's default debounce: diagnostics do not run between the edits and requests measured here.
    initializationOptions: { diagnosticsDelay: 200 },
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
  });
  try {
    client.open(uri, text, 1);
    const { diagnostics } = await client.publishMatching(uri, (p) => p.version === 1, 0, 60_000);
    const mismatch = diagnostics.filter((d: Diagnostic) => d.code === 'MKIMG004');
    console.log(`image.sh: ${LINES} lines, ${SOURCES + 1} sources; diagnostics: ${diagnostics.map((d) => d.code).join(' ')}`);

    const viewport = { start: { line: 0, character: 0 }, end: { line: 60, character: 0 } };
    const whole = { start: { line: 0, character: 0 }, end: { line: LINES, character: 0 } };
    const requests: [string, () => Promise<unknown>][] = [
      [
        'quick fix (MKIMG004, both diagnostics)',
        () =>
          client.connection.sendRequest(CodeActionRequest.type, {
            textDocument: { uri },
            range: mismatch[0].range,
            context: { diagnostics: mismatch },
          }),
      ],
      [
        'inlay hints, first 60 lines',
        () => client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: viewport }),
      ],
      ['inlay hints, whole document', () => client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: whole })],
      ['document links (200 existing sources)', () => client.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri } })],
      ['code lens', () => client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })],
    ];
    for (const [name, request] of requests) report(name, await timed(request));

    // After an edit: the request pays for bringing the facts up to date (incremental re-parse).
    let version = 1;
    const lastLine = LINES - 1;
    for (const [name, request] of requests) {
      report(
        `${name}, after an edit`,
        await timed(async () => {
          version++;
          const insert = version % 2 === 0;
          client.change(uri, version, [
            {
              range: { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: insert ? 0 : 1 } },
              text: insert ? '#' : '',
            },
          ]);
          await request();
        }),
      );
    }

    // A source file appears: watched-file event -> updated diagnostics (MKIMG013 gone).
    const watched = await timed(async () => {
      const since = client.published.length;
      writeFileSync(join(directory, 'files', 'missing.conf'), '');
      void client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [{ uri: pathToFileURL(join(directory, 'files', 'missing.conf')).toString(), type: FileChangeType.Created }],
      });
      await client.publishMatching(uri, (p) => !p.diagnostics.some((d) => d.code === 'MKIMG013'), since, 60_000);
      rmSync(join(directory, 'files', 'missing.conf'));
      const again = client.published.length;
      void client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [{ uri: pathToFileURL(join(directory, 'files', 'missing.conf')).toString(), type: FileChangeType.Deleted }],
      });
      await client.publishMatching(uri, (p) => p.diagnostics.some((d) => d.code === 'MKIMG013'), again, 60_000);
    });
    report('file created + deleted -> diagnostics (2 events)', watched);
    console.log('(diagnostics are debounced by 200 ms, included in the last figure)');
  } finally {
    await client.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
