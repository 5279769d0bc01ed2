/**
 * Entry point of the makeimg language server. Runs under any LSP client
 * (`node server.js --stdio`, or `--node-ipc` from VS Code); never imports
 * 'vscode'. The server object (makeimg-server.ts) is created at `initialize`,
 * once the tree-sitter grammar is loaded.
 *
 * initializationOptions: { diagnosticsDelay?: number } (a fixed quiet time in
 * ms after the last edit; without it, diagnostics-pacing.ts decides).
 */
import { createConnection, ProposedFeatures, type InitializeResult } from 'vscode-languageserver/node';
import { factsOfText, runRules } from '../../analysis/src/analysis';
import { getParser } from '../../analysis/src/parser';
import { MakeimgServer } from './makeimg-server';
import { normalizeSettings } from './settings';

const connection = createConnection(ProposedFeatures.all);

function logError(where: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  connection.console.error(`makeimg: ${where}: ${detail}`);
}
process.on('uncaughtException', (error) => logError('uncaught exception', error));
process.on('unhandledRejection', (reason) => logError('unhandled rejection', reason));

/** Parsed and checked once during initialize, so the first document opened does not pay for compiling and warming up. */
const WARM_UP_TEXT = 'img_name=warm-up.tar.gz\ndo_install()\n{\n    debootstrap bookworm "$img_dir"\n}\n';

connection.onInitialize(async (params): Promise<InitializeResult> => {
  const parser = await getParser();
  runRules(await factsOfText(WARM_UP_TEXT));
  // zod compiles the settings schema on its first use (tens of ms): not on the way to the first diagnostics.
  normalizeSettings(undefined);
  const server = new MakeimgServer(connection, parser, params);
  server.register();
  return { capabilities: server.capabilities(), serverInfo: { name: 'makeimg-language-server' } };
});

connection.listen();
