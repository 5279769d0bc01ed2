/**
 * Entry point of the makeimg language server. Runs under any LSP client
 * (`node server.js --stdio`, or `--node-ipc` from VS Code); never imports
 * 'vscode'. The server object (makeimg-server.ts) is created at `initialize`,
 * once the tree-sitter grammar is loaded.
 *
 * initializationOptions: { diagnosticsDelay?: number } (ms after the last
 * edit before diagnostics are computed).
 */
import { createConnection, ProposedFeatures, type InitializeResult } from 'vscode-languageserver/node';
import { getParser } from '../../analysis/src/parser';
import { MakeimgServer } from './makeimg-server';

const connection = createConnection(ProposedFeatures.all);

function logError(where: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  connection.console.error(`makeimg: ${where}: ${detail}`);
}
process.on('uncaughtException', (error) => logError('uncaught exception', error));
process.on('unhandledRejection', (reason) => logError('unhandled rejection', reason));

connection.onInitialize(async (params): Promise<InitializeResult> => {
  const server = new MakeimgServer(connection, await getParser(), params);
  server.register();
  return { capabilities: server.capabilities(), serverInfo: { name: 'makeimg-language-server' } };
});

connection.listen();
