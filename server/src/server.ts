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
  CodeActionKind,
  createConnection,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { DocumentStore } from './documents';
import { codeActions } from './features/code-actions';
import { codeLenses } from './features/code-lens';
import { affectedByFileChanges, canWatchFiles, documentLinks, watchSourceFiles } from './features/files';
import { inlayHints } from './features/inlay-hints';
import { LanguageFeatures } from './features/language-features';
import { ShellcheckService } from './shellcheck';
import { imageDirectoryOf, sourceFilesIn } from '../../analysis/src/source-files';
import { getParser } from '../../analysis/src/parser';
import { SettingsCache } from './settings';
import { Validator } from './validation';

const DEFAULT_DIAGNOSTICS_DELAY_MS = 200;

const connection = createConnection(ProposedFeatures.all);
let documents: DocumentStore | undefined;
let settings: SettingsCache | undefined;
let validator: Validator | undefined;
let shellcheck: ShellcheckService | undefined;
let clientCapabilities: InitializeParams['capabilities'] = {};
// Hover, completion, navigation, rename, symbols, folding.
const languageFeatures = new LanguageFeatures(connection, () => documents);

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
  clientCapabilities = params.capabilities;
  shellcheck = new ShellcheckService((message) => connection.console.log(message));
  validator = new Validator(connection, documents, settings, delay, shellcheck);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      documentLinkProvider: { resolveProvider: false },
      ...languageFeatures.initialize(params),
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
    validator?.forget(textDocument.uri);
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

// Files next to image.sh appear and disappear: re-check the file rules (MKIMG013).
connection.onInitialized(() => {
  if (canWatchFiles(clientCapabilities)) watchSourceFiles(connection).catch((error: unknown) => logError('file watcher', error));
});
connection.onDidChangeWatchedFiles(
  guarded('didChangeWatchedFiles', ({ changes }) => {
    const changed = changes.map((c) => c.uri);
    for (const document of documents?.all() ?? []) {
      const facts = document.facts();
      if (facts && affectedByFileChanges(facts, document.uri, changed)) validator?.schedule(document.uri);
    }
  }),
);
connection.onDidSaveTextDocument(guarded('didSave', ({ textDocument }) => validator?.schedule(textDocument.uri, 0)));
connection.onShutdown(() => shellcheck?.dispose());

connection.onCodeAction(({ textDocument, context }) => {
  const document = documents?.get(textDocument.uri);
  const facts = document?.facts();
  if (!document || !facts) return [];
  const resourceOperations = clientCapabilities.workspace?.workspaceEdit?.resourceOperations ?? [];
  const directory = imageDirectoryOf(document.uri);
  return codeActions({
    uri: document.uri,
    text: document.textDocument.getText(),
    facts,
    diagnostics: context.diagnostics,
    toLspRange: (range) => document.toLspRange(range),
    directory,
    files: directory === undefined ? undefined : sourceFilesIn(directory),
    canCreateFiles: resourceOperations.includes('create'),
  });
});
connection.languages.inlayHint.on(({ textDocument, range }) => {
  const document = documents?.get(textDocument.uri);
  const facts = document?.facts();
  return document && facts ? inlayHints(facts, range).map((h) => ({ ...h, position: document.toLspRange({ start: h.position, end: h.position }).start })) : [];
});
connection.onCodeLens(({ textDocument }) => {
  const document = documents?.get(textDocument.uri);
  const facts = document?.facts();
  return document && facts ? codeLenses(facts, document.uri).map((l) => ({ ...l, range: document.toLspRange(l.range) })) : [];
});
connection.onDocumentLinks(({ textDocument }) => {
  const document = documents?.get(textDocument.uri);
  const facts = document?.facts();
  return document && facts ? documentLinks(facts, document.uri).map((l) => ({ ...l, range: document.toLspRange(l.range) })) : [];
});

connection.listen();
