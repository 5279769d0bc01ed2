/**
 * The makeimg language server: LSP wiring only. Runs under any LSP client
 * (`node server.js --stdio`, or `--node-ipc` from VS Code); never imports
 * 'vscode'. Editor features register their handlers here with a few lines
 * each, reading `documents.get(uri)?.facts()`.
 *
 * initializationOptions: { diagnosticsDelay?: number } (ms after the last
 * edit before diagnostics are computed; default 200).
 */
import {
  createConnection,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { DocumentStore } from './documents';
import { getParser } from './parser';
import { SettingsCache } from './settings';
import { Validator } from './validation';

const DEFAULT_DIAGNOSTICS_DELAY_MS = 200;

const connection = createConnection(ProposedFeatures.all);
let documents: DocumentStore | undefined;
let settings: SettingsCache | undefined;
let validator: Validator | undefined;

function logError(where: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  connection.console.error(`makeimg: ${where}: ${detail}`);
}

/** Runs a notification handler; an exception is logged, never fatal. */
function guarded<P>(where: string, handler: (params: P) => void): (params: P) => void {
  return (params) => {
    try {
      handler(params);
    } catch (error) {
      logError(where, error);
    }
  };
}

process.on('uncaughtException', (error) => logError('uncaught exception', error));
process.on('unhandledRejection', (reason) => logError('unhandled rejection', reason));

connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
  const parser = await getParser();
  const options = (params.initializationOptions ?? {}) as { diagnosticsDelay?: unknown };
  const delay = typeof options.diagnosticsDelay === 'number' && options.diagnosticsDelay >= 0
    ? options.diagnosticsDelay
    : DEFAULT_DIAGNOSTICS_DELAY_MS;
  documents = new DocumentStore(parser);
  settings = new SettingsCache(connection, params.capabilities.workspace?.configuration === true);
  validator = new Validator(connection, documents, settings, delay);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    },
    serverInfo: { name: 'makeimg-language-server' },
  };
});

connection.onDidOpenTextDocument(
  guarded('didOpen', ({ textDocument }) => {
    if (!documents || !validator) return;
    documents.open(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
    validator.schedule(textDocument.uri, 0);
  }),
);

connection.onDidChangeTextDocument(
  guarded('didChange', ({ textDocument, contentChanges }) => {
    const document = documents?.get(textDocument.uri);
    if (!document || !validator) return;
    document.applyChanges(contentChanges, textDocument.version);
    validator.schedule(textDocument.uri);
  }),
);

connection.onDidCloseTextDocument(
  guarded('didClose', ({ textDocument }) => {
    validator?.cancel(textDocument.uri);
    documents?.close(textDocument.uri);
    settings?.forget(textDocument.uri);
    void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  }),
);

connection.onDidChangeConfiguration(
  guarded('didChangeConfiguration', () => {
    settings?.clear();
    validator?.scheduleAll();
  }),
);

connection.listen();
