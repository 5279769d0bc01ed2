/**
 * Entry point of the makeimg language server. Runs under any LSP client
 * (`node server.js --stdio`, or `--node-ipc` from VS Code); never imports
 * 'vscode'. The tree-sitter grammar starts loading when the process starts;
 * the server object (makeimg-server.ts) is created at `initialize`, which is
 * answered at once: its handlers wait for the grammar (after-ready.ts).
 *
 * initializationOptions: { diagnosticsDelay?: number } (a fixed quiet time in
 * ms after the last edit; without it, diagnostics-pacing.ts decides).
 */
import { createConnection, ProposedFeatures, type InitializeResult } from 'vscode-languageserver/node';
import { factsOfText, runRules } from '../../analysis/src/analysis';
import { getParser } from '../../analysis/src/parser';
import { MakeimgServer } from './makeimg-server';

/** Parsed and checked once before the first message is handled, so the first document opened does not pay for warming up. */
const WARM_UP_TEXT = 'img_name=warm-up.tar.gz\ndo_install()\n{\n    debootstrap bookworm "$img_dir"\n}\n';

/** Loading from the start: the wasm compiles while the client starts up and sends initialize. */
const parserLoading = getParser().then(async (parser) => {
  runRules(await factsOfText(WARM_UP_TEXT));
  return parser;
});

const connection = createConnection(ProposedFeatures.all);

function logError(where: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  connection.console.error(`makeimg: ${where}: ${detail}`);
}
process.on('uncaughtException', (error) => logError('uncaught exception', error));
process.on('unhandledRejection', (reason) => logError('unhandled rejection', reason));

connection.onInitialize((params): InitializeResult => {
  const server = new MakeimgServer(connection, parserLoading, params);
  server.register();
  return { capabilities: server.capabilities(), serverInfo: { name: 'makeimg-language-server' } };
});

connection.listen();
