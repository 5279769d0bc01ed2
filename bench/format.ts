/**
 * Formatting over the real protocol (stdio), side by side in one run:
 * makeimg's server (shfmt compiled to WebAssembly, in process, minimal edits)
 * and bash-language-server 5.8.1 (spawns the `shfmt` binary per request and
 * returns one whole-document edit). Same files, same shfmt options (4 spaces,
 * everything else shfmt's defaults), interleaved requests, p50/p95 per file.
 * Also: the number of edits each returns, and whether both texts agree.
 *
 * Needs: node scripts/bundle.mjs; Debian's shfmt (apt-get install shfmt);
 * cd bench/anchor && npm install (bash-language-server, bench only).
 * Run: node --import tsx bench/format.ts [--runs N]
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  InitializedNotification,
  InitializeRequest,
  ExitNotification,
  ShutdownRequest,
  type ProtocolConnection,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { applyTextEdits } from '../shared/test/support/text-edits';
import { TYPICAL_IMAGE_SH } from './support/server-fixtures';
import { percentile } from './support/stats';

const ROOT = join(__dirname, '..');
const BASH_LS = join(__dirname, 'anchor', 'node_modules', 'bash-language-server', 'out', 'cli.js');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;

interface Server {
  name: string;
  child: ChildProcessWithoutNullStreams;
  connection: ProtocolConnection;
}

async function start(name: string, argv: string[], initializationOptions: unknown): Promise<Server> {
  const child = spawn(process.execPath, argv, { stdio: 'pipe' });
  child.stderr.resume();
  const connection = createProtocolConnection(child.stdout, child.stdin);
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => null));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { configuration: false } },
    initializationOptions,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return { name, child, connection };
}

async function stop(server: Server): Promise<void> {
  await Promise.race([server.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
  await server.connection.sendNotification(ExitNotification.type);
  setTimeout(() => server.child.kill('SIGKILL'), 2000).unref();
}

const format = (s: Server, uri: string) =>
  s.connection.sendRequest(DocumentFormattingRequest.type, {
    textDocument: { uri },
    options: { tabSize: 4, insertSpaces: true },
  }) as Promise<TextEdit[] | null>;

/** The typical image.sh with its indentation and spacing undone (what formatting fixes). */
function messy(text: string): string {
  return text.replace(/^ +/gm, '').replace(/ > /g, '>');
}

async function main(): Promise<void> {
  if (!existsSync(BASH_LS)) throw new Error('bench/anchor/node_modules/bash-language-server is missing: cd bench/anchor && npm install');
  const files: [string, string][] = [
    ['image.sh, 40 lines, unformatted', messy(TYPICAL_IMAGE_SH)],
    ['image.sh, 40 lines, as written (brace on its own line)', TYPICAL_IMAGE_SH],
  ];
  for (const [label, path] of [
    ['debootstrap functions, 2,044 lines', '/usr/share/debootstrap/functions'],
    ['git completion, 3,592 lines', '/usr/share/bash-completion/completions/git'],
  ]) {
    if (existsSync(path)) files.push([label, readFileSync(path, 'utf8')]);
  }
  const dir = mkdtempSync(join(tmpdir(), 'makeimg-bench-format-'));
  const ours = await start('makeimg', [join(ROOT, 'dist', 'server.js'), '--stdio'], { diagnosticsDelay: 0 });
  const theirs = await start('bash-language-server 5.8.1', [BASH_LS, 'start'], { shfmt: { path: 'shfmt' } });
  console.log(
    `formatting over stdio, ${RUNS} requests per file and server, interleaved (shfmt binary: ${process.env.PATH?.split(':').find((p) => existsSync(join(p, 'shfmt')))}/shfmt)`,
  );
  try {
    for (const [index, [label, text]] of files.entries()) {
      const uri = pathToFileURL(join(dir, `f${index}`, 'image.sh')).href;
      for (const s of [ours, theirs]) {
        void s.connection.sendNotification(DidOpenTextDocumentNotification.type, {
          textDocument: { uri, languageId: s === ours ? 'makeimg' : 'shellscript', version: 1, text },
        });
      }
      const times = new Map<Server, number[]>([
        [ours, []],
        [theirs, []],
      ]);
      const results = new Map<Server, TextEdit[] | null>();
      // Warm-up, then interleaved runs so both see the same machine load.
      for (const s of [ours, theirs]) results.set(s, await format(s, uri));
      for (let i = 0; i < RUNS; i++) {
        for (const s of i % 2 === 0 ? [ours, theirs] : [theirs, ours]) {
          const t0 = performance.now();
          await format(s, uri);
          times.get(s)!.push(performance.now() - t0);
        }
      }
      const outputs = [ours, theirs].map((s) => applyTextEdits(text, results.get(s) ?? []));
      console.log(
        `\n${label}: same result ${outputs[0] === outputs[1] ? 'yes' : `NO (${outputs[0].length} vs ${outputs[1].length} chars)`}`,
      );
      for (const s of [ours, theirs]) {
        const t = times.get(s)!;
        const edits = results.get(s);
        console.log(
          `  ${s.name.padEnd(28)} p50 ${percentile(t, 50).toFixed(1).padStart(6)} ms  p95 ${percentile(t, 95).toFixed(1).padStart(6)} ms  edits ${edits ? edits.length : 'none'}`,
        );
      }
    }
  } finally {
    await stop(ours);
    await stop(theirs);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
