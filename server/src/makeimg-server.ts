/**
 * The makeimg language server, created at `initialize`: it owns the open
 * documents, the settings, validation and ShellCheck; `capabilities()` says
 * what it offers and `register()` connects every handler, one line each.
 * It is created while the grammar is still loading: its handlers run once
 * the parser is there (after-ready.ts).
 *
 * Every position a handler receives and every range it returns is an LSP
 * position: `OpenDocument.facts()` is in LSP coordinates already (see
 * coordinates.ts), so features never convert.
 */
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  ErrorCodes,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  SemanticTokensBuilder,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type CancellationToken,
  type CompletionItem,
  type CompletionList,
  type CallHierarchyItem,
  type Position,
  type Connection,
  type FormattingOptions,
  type InitializeParams,
  type Range,
  type ServerCapabilities,
  type TextEdit,
} from 'vscode-languageserver/node';
import { factsOfText } from '../../analysis/src/analysis';
import { warmUpShfmt } from '../../analysis/src/format';
import type { DocumentFacts } from '../../analysis/src/facts';
import type { Parser } from '../../analysis/src/parser';
import { imageDirectoryOf, sourceFilesIn } from '../../analysis/src/source-files';
import { afterReady } from './after-ready';
import { inLspCoordinates } from './coordinates';
import { withBomOnDisk } from './byte-order-mark-on-disk';
import { DocumentStore, incrementalCheckEvery, isImageDocument, type OpenDocument } from './documents';
import { incomingCalls, outgoingCalls, prepareCallHierarchy, type ItemData } from './features/call-hierarchy';
import { codeActions, FIX_ALL_KIND } from './features/code-actions';
import { codeLenses } from './features/code-lens';
import { complete, COMPLETION_TRIGGERS } from './features/completion';
import { affectedByFileChanges, canWatchFiles, documentLinks, watchSourceFiles } from './features/files';
import { foldingRanges } from './features/folding';
import { formatDocument } from './features/formatting';
import { hover } from './features/hover';
import { inlayHints } from './features/inlay-hints';
import { definition, documentHighlights, prepareRename, references, rename } from './features/navigation';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from './features/semantic-tokens';
import { documentSymbols } from './features/symbols';
import { WorkspaceSymbols } from './features/workspace-symbols';
import { SettingsCache } from './settings';
import { ShellcheckService } from './shellcheck';
import { fromView, SourcedFiles, toView, type SourcedView } from './sourced-files';
import { Validator } from './validation';
import { checkDocumentParams, checkQueryParams } from './request-params';
import { STATUS_REQUEST, type ServerStatus, type StatusParams } from '../../shared/ids-and-settings';

const NO_COMPLETIONS: CompletionList = { isIncomplete: false, items: [] };
/** Requests about a position in the document (params.position is required). */
const POSITIONAL = { position: true };

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
  readonly sourced: SourcedFiles;
  /** The last semantic tokens of each document, for deltas. */
  private readonly tokenBuilders = new Map<string, SemanticTokensBuilder>();
  private readonly clientCapabilities: InitializeParams['capabilities'];
  private readonly initialRoots: string[];
  private readonly workspaceSymbols = new WorkspaceSymbols(async (text) => inLspCoordinates(await factsOfText(text), text));
  /** Settles when the parser is loaded: the registered handlers wait for it. */
  private readonly ready: Promise<Parser>;
  private parser: Parser | undefined;

  constructor(
    private readonly connection: Connection,
    /** The process parser, loading (with whatever warms up the first analysis). */
    parser: Promise<Parser>,
    params: InitializeParams,
  ) {
    this.ready = parser.then((loaded) => (this.parser = loaded));
    const current = (): Parser => {
      if (!this.parser) throw new Error('the bash grammar is not loaded yet');
      return this.parser;
    };
    this.clientCapabilities = params.capabilities;
    const every = incrementalCheckEvery();
    this.documents = new DocumentStore(
      current,
      every === undefined
        ? undefined
        : (uri) => ({
            every,
            onDifference: (d) =>
              connection.console.warn(
                `makeimg: the incremental parse of ${uri} (${d.textLength} characters) differs from a fresh parse at ` +
                  `${d.at}: ${JSON.stringify(d.incremental)} vs ${JSON.stringify(d.fresh)}`,
              ),
          }),
    );
    this.settings = new SettingsCache(connection, params.capabilities.workspace?.configuration === true);
    this.shellcheck = new ShellcheckService((message) => connection.console.log(message));
    this.sourced = new SourcedFiles(this.documents, current);
    this.validator = new Validator(connection, this.documents, this.settings, diagnosticsDelayOf(params), this.shellcheck, this.sourced);
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.initialRoots = filePaths(folders);
  }

  capabilities(): ServerCapabilities {
    return {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      callHierarchyProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
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
      semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: { delta: true } },
      workspaceSymbolProvider: true,
    };
  }

  register(): void {
    // Every handler runs once the parser is loaded; messages that come earlier wait, in order.
    const c = afterReady(this.connection, this.ready);
    const { documents, settings, validator } = this;

    // Document synchronisation and validation.
    c.onDidOpenTextDocument(
      this.guarded('didOpen', ({ textDocument: t }) => {
        documents.open(t.uri, t.languageId, t.version, t.text);
        if (isImageDocument(t)) validator.schedule(t.uri, true);
        else this.sourcedFileChanged(t.uri);
      }),
    );
    c.onDidChangeTextDocument(
      this.guarded('didChange', ({ textDocument, contentChanges }) => {
        const document = documents.get(textDocument.uri);
        if (!document) return;
        document.applyChanges(contentChanges, textDocument.version);
        if (isImageDocument(document.textDocument)) validator.schedule(textDocument.uri);
        else this.sourcedFileChanged(textDocument.uri);
      }),
    );
    c.onDidCloseTextDocument(
      this.guarded('didClose', ({ textDocument }) => {
        validator.forget(textDocument.uri);
        this.sourced.forget(textDocument.uri);
        this.tokenBuilders.delete(textDocument.uri);
        documents.close(textDocument.uri);
        // A sourced file's text now comes from disk again.
        this.sourcedFileChanged(textDocument.uri);
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
      // Compile shfmt's wasm once the first diagnostics are out of the way, so the first Format Document is quick.
      setTimeout(() => void warmUpShfmt().catch((error: unknown) => this.logError('formatter', error)), 2000).unref();
      if (canWatchFiles(this.clientCapabilities)) watchSourceFiles(c).catch((error: unknown) => this.logError('file watcher', error));
    });
    c.onDidChangeWatchedFiles(
      this.guarded('didChangeWatchedFiles', ({ changes }) => {
        const changed = changes.map((change) => change.uri);
        // A sourced file changed on disk: re-analyse every image.sh (they may source it).
        const sourced = changed.filter((uri) => !documents.get(uri)).map((uri) => this.sourced.changed(uri));
        for (const document of documents.all()) {
          if (!isImageDocument(document.textDocument)) continue;
          const facts = document.facts();
          // Its own file changed on disk with the same text (a byte order mark removed): MKIMG015 reads the file.
          const own = changed.includes(document.uri);
          if (own || sourced.includes(true) || (facts && affectedByFileChanges(facts, document.uri, changed)))
            validator.schedule(document.uri);
        }
      }),
    );
    c.onShutdown(() => this.shellcheck.dispose());
    // The client's language status item: what checks this document.
    c.onRequest(STATUS_REQUEST, async (params: StatusParams): Promise<ServerStatus> => {
      if (typeof params?.uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${STATUS_REQUEST} needs a uri`);
      const { shellcheck } = await settings.get(params.uri);
      return { shellcheck: await this.shellcheck.status(params.uri, shellcheck) };
    });

    // Editor features: LSP positions in, LSP ranges out.
    // Hover, completion, definition, references, highlights and rename work on image.sh's combined facts,
    // from image.sh or from inside a file it sources (see sourced-files.ts); ranges are located per file.
    c.onHover(
      this.onView(null, (_, { view, at }) => {
        const found = hover(view.facts, at, (line) => this.sourced.lineText(view, line));
        return found && { ...found, range: found.range && fromView(view, found.range) };
      }),
    );
    c.onCompletion(
      this.onView(NO_COMPLETIONS, ({ position }, { document, view, at }) => {
        const line = document.lineText(position.line);
        const linePrefix = line.slice(0, position.character);
        const items = complete({ facts: view.facts, position: at, linePrefix, directory: imageDirectoryOf(view.imageUri) });
        return { isIncomplete: false, items: items.map((item) => clampTextEdit(inDocument(item, view), position.line, line.length)) };
      }),
    );
    c.onDefinition(this.onView([], (_, { view, at }) => definition(view.facts, at).map((range) => this.sourced.locate(view, range))));
    c.onReferences(
      this.onView([], ({ context }, { view, at }) =>
        references(view.facts, at, context.includeDeclaration).map((range) => this.sourced.locate(view, range)),
      ),
    );
    c.onDocumentHighlight(
      this.onView([], (_, { document, view, at }) =>
        documentHighlights(view.facts, at)
          .filter((h) => this.sourced.locate(view, h.range).uri === document.uri)
          .map((h) => ({ ...h, range: fromView(view, h.range) })),
      ),
    );
    c.onPrepareRename(
      this.onView(null, (_, { view, at }) => {
        const check = prepareRename(view.facts, at);
        if (!check) return null;
        if (!check.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, check.message);
        return { range: fromView(view, check.range), placeholder: check.placeholder };
      }),
    );
    c.onRenameRequest(
      this.onView(null, ({ newName }, { view, at }) => {
        const result = rename(view.facts, at, newName);
        if (!result) return null;
        if (!result.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, result.message);
        const changes: Record<string, TextEdit[]> = {};
        for (const edit of result.edits) {
          const { uri, range } = this.sourced.locate(view, edit.range);
          (changes[uri] ??= []).push({ range, newText: edit.newText });
        }
        return { changes };
      }),
    );
    c.onDocumentSymbol(this.onWholeDocument([], (_, { facts }) => documentSymbols(facts)));
    c.onFoldingRanges(this.onWholeDocument([], (_, { document, facts }) => foldingRanges(facts, (line) => document.lineText(line))));
    c.onWorkspaceSymbol(async (params, token) => {
      checkQueryParams(params);
      return this.workspaceSymbols.query(await this.roots(), params.query, (uri) => documents.get(uri)?.facts(), token);
    });
    c.onCodeAction(
      this.onDocument([], ({ context }, { document, facts }) => {
        const directory = imageDirectoryOf(document.uri);
        const resourceOperations = this.clientCapabilities.workspace?.workspaceEdit?.resourceOperations ?? [];
        return codeActions({
          uri: document.uri,
          text: document.textDocument.getText(),
          facts: withBomOnDisk(facts, document.uri),
          diagnostics: context.diagnostics,
          directory,
          files: directory === undefined ? undefined : sourceFilesIn(directory),
          canCreateFiles: resourceOperations.includes('create'),
          only: context.only,
        });
      }),
    );
    c.languages.inlayHint.on(this.onWholeDocument([], ({ range }, { facts }) => inlayHints(facts, range)));
    c.onCodeLens(this.onWholeDocument([], (_, { document, facts }) => codeLenses(facts, document.uri)));
    c.onDocumentLinks(this.onWholeDocument([], (_, { document, facts }) => documentLinks(facts, document.uri)));
    // Call hierarchy (across sourced files) and semantic tokens (hooks, provided variables, file arrays, stages).
    const locator = (view: SourcedView) => (range: Range) => this.sourced.locate(view, range);
    c.languages.callHierarchy.onPrepare(
      this.onView(null, (_, { view, at }) => prepareCallHierarchy(view.facts, at, view.imageUri, locator(view))),
    );
    c.languages.callHierarchy.onIncomingCalls(({ item }) =>
      this.withItemImage(item, (view) => incomingCalls(view.facts, item, locator(view))),
    );
    c.languages.callHierarchy.onOutgoingCalls(({ item }) =>
      this.withItemImage(item, (view) => outgoingCalls(view.facts, item, locator(view))),
    );
    c.languages.semanticTokens.on(
      this.onWholeDocument({ data: [] }, ({ textDocument }, { document, facts }) => {
        const builder = new SemanticTokensBuilder();
        this.tokenBuilders.set(textDocument.uri, builder);
        for (const t of semanticTokens(facts, this.sourced.combined(document) ?? facts))
          builder.push(t.line, t.character, t.length, t.type, t.modifiers);
        return builder.build();
      }),
    );
    c.languages.semanticTokens.onDelta(
      this.onWholeDocument({ data: [] }, ({ textDocument, previousResultId }, { document, facts }) => {
        let builder = this.tokenBuilders.get(textDocument.uri);
        if (!builder) this.tokenBuilders.set(textDocument.uri, (builder = new SemanticTokensBuilder()));
        builder.previousResult(previousResultId);
        for (const t of semanticTokens(facts, this.sourced.combined(document) ?? facts))
          builder.push(t.line, t.character, t.length, t.type, t.modifiers);
        return builder.buildEdits();
      }),
    );
    c.onDocumentFormatting((params) => {
      checkDocumentParams(params);
      return this.format(params.textDocument.uri, params.options ?? {});
    });
    c.onDocumentRangeFormatting((params) => {
      checkDocumentParams(params, { range: true });
      return this.format(params.textDocument.uri, params.options ?? {}, params.range);
    });
  }

  /** Formatting (shfmt's rules): a syntax error leaves the text alone and says where it is. */
  private async format(uri: string, options: FormattingOptions, range?: Range): Promise<TextEdit[] | null> {
    const document = this.documents.get(uri);
    if (!document || document.tooLarge || !isImageDocument(document.textDocument)) return null;
    const { format } = await this.settings.get(uri);
    const outcome = await formatDocument(document, options, format, range);
    // A notification, not window/showMessageRequest: nothing to answer.
    if (outcome.edits === null)
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: outcome.message });
    return outcome.edits;
  }

  /** A request handler for an open, analysed image.sh; `fallback` for unknown or too-large documents and other files. */
  private onDocument<R, P extends { textDocument: { uri: string } } = never>(
    fallback: R,
    handler: (params: P, context: DocumentContext) => R,
    needs: { position?: boolean } = {},
  ): (params: P) => R {
    return (params) => {
      checkDocumentParams(params, needs);
      const document = this.documents.get(params.textDocument.uri);
      if (!document || !isImageDocument(document.textDocument)) return fallback;
      const facts = document.facts();
      return facts ? handler(params, { document, facts }) : fallback;
    };
  }

  /**
   * `onDocument` for requests whose answer describes the whole document
   * (or a range of it) and that VS Code keeps for the document's version,
   * asking again only after an edit: document symbols (the outline,
   * breadcrumbs, sticky scroll, the client's image-findings quick fix),
   * folding ranges, semantic tokens, code lenses, document links and inlay
   * hints. An answer from a half-done analysis (`factsPending`: the last
   * version's facts, or none at all right after the open) would stay until
   * the next edit, so these wait until the facts of the current version are
   * complete (`OpenDocument.factsComplete`) and answer then. The wait does
   * not block the server: the work goes on in budgeted slices between
   * which other requests (hover, completion, ...) are answered. An edit
   * meanwhile makes it wait for the newest version, whose answer it gives;
   * a cancelled request (VS Code cancels and asks again after an edit)
   * stops waiting. Requests answered at once from whatever `facts()` has:
   * those about a position (hover, completion, ...: asked again on each
   * move, and the user waits for them) and code actions (asked again on
   * each cursor move or Ctrl+., their fixes come from rules run again on
   * the facts at hand, see code-actions.ts).
   */
  private onWholeDocument<R, P extends { textDocument: { uri: string } } = never>(
    fallback: R,
    handler: (params: P, context: DocumentContext) => R,
  ): (params: P, token?: CancellationToken) => Promise<R> {
    return async (params, token) => {
      checkDocumentParams(params);
      for (;;) {
        if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
        // Unknown, closed, too large or not an image.sh: the fallback at once.
        const document = this.documents.get(params.textDocument.uri);
        if (!document || !isImageDocument(document.textDocument)) return fallback;
        const facts = document.facts();
        if (!document.factsPending) return facts ? handler(params, { document, facts }) : fallback;
        await untilCancelled(document.factsComplete(), token);
      }
    };
  }

  /**
   * A request about a position in image.sh or in a file it sources, answered
   * with the combined facts (see sourced-files.ts): `at` is the position in
   * them; `fallback` for other documents.
   */
  private onView<R, P extends { textDocument: { uri: string }; position: Position } = never>(
    fallback: R,
    handler: (params: P, context: { document: OpenDocument; view: SourcedView; at: Position }) => R,
  ): (params: P) => R {
    return (params) => {
      checkDocumentParams(params, POSITIONAL);
      const document = this.documents.get(params.textDocument.uri);
      const view = document && this.sourced.view(document);
      return document && view ? handler(params, { document, view, at: toView(view, params.position) }) : fallback;
    };
  }

  /** A file that an image.sh may source changed in the editor: re-analyse the image.sh files that read it. */
  private sourcedFileChanged(uri: string): void {
    if (!this.sourced.changed(uri)) return;
    for (const document of this.documents.all()) {
      if (document.uri !== uri && isImageDocument(document.textDocument)) this.validator.schedule(document.uri);
    }
  }

  /** A call hierarchy item's image.sh (its `data`, open or on disk) and that file's combined facts. */
  private withItemImage<R>(item: CallHierarchyItem, handler: (view: SourcedView) => R[]): R[] | null {
    const image = (item.data as ItemData | undefined)?.image;
    const view = typeof image === 'string' ? this.sourced.imageView(image) : undefined;
    return view ? handler(view) : null;
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

/** `promise`, or sooner once `token` is cancelled (the caller looks at the token). */
async function untilCancelled(promise: Promise<void>, token: CancellationToken | undefined): Promise<void> {
  if (!token) return promise;
  let listener: { dispose(): void } | undefined;
  try {
    await Promise.race([promise, new Promise<void>((resolve) => (listener = token.onCancellationRequested(() => resolve())))]);
  } finally {
    listener?.dispose();
  }
}

/** A completion item computed on a view's facts, its textEdit in the viewed document's lines. */
function inDocument(item: CompletionItem, view: SourcedView): CompletionItem {
  const edit = item.textEdit;
  if (view.lineBase === 0 || !edit || !('range' in edit)) return item;
  return { ...item, textEdit: { ...edit, range: fromView(view, edit.range) } };
}

/** A completion's textEdit never reaches past the end of its line (a position past it, as clients may send, is clamped). */
function clampTextEdit(item: CompletionItem, line: number, lineLength: number): CompletionItem {
  const edit = item.textEdit;
  if (!edit || !('range' in edit)) return item;
  const clamp = (p: Position): Position => (p.line === line && p.character > lineLength ? { line, character: lineLength } : p);
  return { ...item, textEdit: { ...edit, range: { start: clamp(edit.range.start), end: clamp(edit.range.end) } } };
}

/** `initializationOptions.diagnosticsDelay`: a fixed quiet time after an edit (ms); without it, diagnostics-pacing.ts decides. */
function diagnosticsDelayOf(params: InitializeParams): number | undefined {
  const options = (params.initializationOptions ?? {}) as { diagnosticsDelay?: unknown };
  const delay = options.diagnosticsDelay;
  return typeof delay === 'number' && delay >= 0 ? delay : undefined;
}

function filePaths(uris: readonly string[]): string[] {
  return uris.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
}
