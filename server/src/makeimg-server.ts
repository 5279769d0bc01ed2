/**
 * The makeimg language server, created at `initialize`: it owns the open
 * documents, the settings, validation and ShellCheck; `capabilities()` says
 * what it offers and `register()` connects every handler, one line each.
 *
 * Every position a handler receives and every range it returns is an LSP
 * position: `OpenDocument.facts()` is in LSP coordinates already (see
 * coordinates.ts), so features never convert.
 */
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type CompletionList,
  type Connection,
  type FormattingOptions,
  type InitializeParams,
  type Range,
  type ServerCapabilities,
  type TextEdit,
} from 'vscode-languageserver/node';
import { factsOfText } from '../../analysis/src/analysis';
import type { DocumentFacts } from '../../analysis/src/facts';
import type { Parser } from '../../analysis/src/parser';
import { imageDirectoryOf, sourceFilesIn } from '../../analysis/src/source-files';
import { inLspCoordinates } from './coordinates';
import { DocumentStore, type OpenDocument } from './documents';
import { codeActions } from './features/code-actions';
import { codeLenses } from './features/code-lens';
import { complete, COMPLETION_TRIGGERS } from './features/completion';
import { affectedByFileChanges, canWatchFiles, documentLinks, watchSourceFiles } from './features/files';
import { foldingRanges } from './features/folding';
import { formatDocument } from './features/formatting';
import { hover } from './features/hover';
import { inlayHints } from './features/inlay-hints';
import { definition, documentHighlights, prepareRename, references, rename } from './features/navigation';
import { documentSymbols } from './features/symbols';
import { WorkspaceSymbols } from './features/workspace-symbols';
import { SettingsCache } from './settings';
import { ShellcheckService } from './shellcheck';
import { Validator } from './validation';

const NO_COMPLETIONS: CompletionList = { isIncomplete: false, items: [] };

/** What a handler of a document request gets: the open document and its facts (LSP coordinates). */
export interface DocumentContext {
  document: OpenDocument;
  facts: DocumentFacts;
}

export class MakeimgServer {
  readonly documents: DocumentStore;
  readonly settings: SettingsCache;
  readonly shellcheck: ShellcheckService;
  readonly validator: Validator;
  private readonly clientCapabilities: InitializeParams['capabilities'];
  private readonly initialRoots: string[];
  private readonly workspaceSymbols = new WorkspaceSymbols(async (text) => inLspCoordinates(await factsOfText(text), text));

  constructor(
    private readonly connection: Connection,
    parser: Parser,
    params: InitializeParams,
  ) {
    this.clientCapabilities = params.capabilities;
    this.documents = new DocumentStore(parser);
    this.settings = new SettingsCache(connection, params.capabilities.workspace?.configuration === true);
    this.shellcheck = new ShellcheckService((message) => connection.console.log(message));
    this.validator = new Validator(connection, this.documents, this.settings, diagnosticsDelayOf(params), this.shellcheck);
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.initialRoots = filePaths(folders);
  }

  capabilities(): ServerCapabilities {
    return {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      codeLensProvider: { resolveProvider: false },
      completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
      definitionProvider: true,
      documentHighlightProvider: true,
      documentLinkProvider: { resolveProvider: false },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      foldingRangeProvider: true,
      hoverProvider: true,
      inlayHintProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      workspaceSymbolProvider: true,
    };
  }

  register(): void {
    const c = this.connection;
    const { documents, settings, validator } = this;

    // Document synchronisation and validation.
    c.onDidOpenTextDocument(
      this.guarded('didOpen', ({ textDocument: t }) => {
        documents.open(t.uri, t.languageId, t.version, t.text);
        validator.schedule(t.uri, true);
      }),
    );
    c.onDidChangeTextDocument(
      this.guarded('didChange', ({ textDocument, contentChanges }) => {
        const document = documents.get(textDocument.uri);
        if (!document) return;
        document.applyChanges(contentChanges, textDocument.version);
        validator.schedule(textDocument.uri);
      }),
    );
    c.onDidCloseTextDocument(
      this.guarded('didClose', ({ textDocument }) => {
        validator.forget(textDocument.uri);
        documents.close(textDocument.uri);
        settings.forget(textDocument.uri);
        void c.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
      }),
    );
    c.onDidSaveTextDocument(this.guarded('didSave', ({ textDocument }) => validator.schedule(textDocument.uri, true)));
    c.onDidChangeConfiguration(
      this.guarded('didChangeConfiguration', () => {
        settings.clear();
        validator.scheduleAll();
      }),
    );
    // Files next to image.sh appear and disappear: re-check the file rules (MKIMG013).
    c.onInitialized(() => {
      if (canWatchFiles(this.clientCapabilities)) watchSourceFiles(c).catch((error: unknown) => this.logError('file watcher', error));
    });
    c.onDidChangeWatchedFiles(
      this.guarded('didChangeWatchedFiles', ({ changes }) => {
        const changed = changes.map((change) => change.uri);
        for (const document of documents.all()) {
          const facts = document.facts();
          if (facts && affectedByFileChanges(facts, document.uri, changed)) validator.schedule(document.uri);
        }
      }),
    );
    c.onShutdown(() => this.shellcheck.dispose());

    // Editor features: LSP positions in, LSP ranges out.
    c.onHover(this.onDocument(null, ({ position }, { document, facts }) => hover(facts, position, (line) => document.lineText(line))));
    c.onCompletion(
      this.onDocument(NO_COMPLETIONS, ({ position }, { document, facts }) => {
        const linePrefix = document.lineText(position.line).slice(0, position.character);
        return { isIncomplete: false, items: complete({ facts, position, linePrefix, directory: imageDirectoryOf(document.uri) }) };
      }),
    );
    c.onDefinition(this.onDocument([], ({ position }, { document, facts }) => definition(facts, position).map((range) => ({ uri: document.uri, range }))));
    c.onReferences(
      this.onDocument([], ({ position, context }, { document, facts }) =>
        references(facts, position, context.includeDeclaration).map((range) => ({ uri: document.uri, range })),
      ),
    );
    c.onDocumentHighlight(this.onDocument([], ({ position }, { facts }) => documentHighlights(facts, position)));
    c.onPrepareRename(
      this.onDocument(null, ({ position }, { facts }) => {
        const check = prepareRename(facts, position);
        if (!check) return null;
        if (!check.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, check.message);
        return { range: check.range, placeholder: check.placeholder };
      }),
    );
    c.onRenameRequest(
      this.onDocument(null, ({ position, newName }, { document, facts }) => {
        const result = rename(facts, position, newName);
        if (!result) return null;
        if (!result.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, result.message);
        return { changes: { [document.uri]: result.edits } };
      }),
    );
    c.onDocumentSymbol(this.onDocument([], (_, { facts }) => documentSymbols(facts)));
    c.onFoldingRanges(this.onDocument([], (_, { document, facts }) => foldingRanges(facts, (line) => document.lineText(line))));
    c.onWorkspaceSymbol(async ({ query }, token) =>
      this.workspaceSymbols.query(await this.roots(), query, (uri) => documents.get(uri)?.facts(), token),
    );
    c.onCodeAction(
      this.onDocument([], ({ context }, { document, facts }) => {
        const directory = imageDirectoryOf(document.uri);
        const resourceOperations = this.clientCapabilities.workspace?.workspaceEdit?.resourceOperations ?? [];
        return codeActions({
          uri: document.uri,
          text: document.textDocument.getText(),
          facts,
          diagnostics: context.diagnostics,
          directory,
          files: directory === undefined ? undefined : sourceFilesIn(directory),
          canCreateFiles: resourceOperations.includes('create'),
        });
      }),
    );
    c.languages.inlayHint.on(this.onDocument([], ({ range }, { facts }) => inlayHints(facts, range)));
    c.onCodeLens(this.onDocument([], (_, { document, facts }) => codeLenses(facts, document.uri)));
    c.onDocumentLinks(this.onDocument([], (_, { document, facts }) => documentLinks(facts, document.uri)));
    c.onDocumentFormatting(({ textDocument, options }) => this.format(textDocument.uri, options));
    c.onDocumentRangeFormatting(({ textDocument, options, range }) => this.format(textDocument.uri, options, range));
  }

  /** Formatting (shfmt's rules): a syntax error leaves the text alone and says where it is. */
  private async format(uri: string, options: FormattingOptions, range?: Range): Promise<TextEdit[] | null> {
    const document = this.documents.get(uri);
    if (!document || document.tooLarge) return null;
    const { format } = await this.settings.get(uri);
    const outcome = await formatDocument(document, options, format, range);
    // A notification, not window/showMessageRequest: nothing to answer.
    if (outcome.edits === null) void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: outcome.message });
    return outcome.edits;
  }

  /** A request handler for an open, analysed document; `fallback` for unknown or too-large documents. */
  private onDocument<R, P extends { textDocument: { uri: string } } = never>(
    fallback: R,
    handler: (params: P, context: DocumentContext) => R,
  ): (params: P) => R {
    return (params) => {
      const document = this.documents.get(params.textDocument.uri);
      const facts = document?.facts();
      return document && facts ? handler(params, { document, facts }) : fallback;
    };
  }

  /** A notification handler whose exceptions are logged, never fatal. */
  private guarded<P>(where: string, handler: (params: P) => void): (params: P) => void {
    return (params) => {
      try {
        handler(params);
      } catch (error) {
        this.logError(where, error);
      }
    };
  }

  logError(where: string, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.connection.console.error(`makeimg: ${where}: ${detail}`);
  }

  /** The workspace folders now (asked of clients that support folders), as paths. */
  private async roots(): Promise<string[]> {
    if (this.clientCapabilities.workspace?.workspaceFolders !== true) return this.initialRoots;
    try {
      return filePaths(((await this.connection.workspace.getWorkspaceFolders()) ?? []).map((f) => f.uri));
    } catch {
      return this.initialRoots;
    }
  }
}

/** `initializationOptions.diagnosticsDelay`: a fixed quiet time after an edit (ms); without it the delay follows the document's cost. */
function diagnosticsDelayOf(params: InitializeParams): number | undefined {
  const options = (params.initializationOptions ?? {}) as { diagnosticsDelay?: unknown };
  const delay = options.diagnosticsDelay;
  return typeof delay === 'number' && delay >= 0 ? delay : undefined;
}

function filePaths(uris: readonly string[]): string[] {
  return uris.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
}
