/**
 * Connects hover, completion, definition, references, highlights, rename,
 * document and workspace symbols and folding to the connection. Each handler
 * converts the LSP position to facts coordinates, asks the feature, and maps
 * the ranges back (both are no-ops unless the text has a lone '\r').
 */
import {
  LSPErrorCodes,
  ResponseError,
  type CompletionList,
  type Connection,
  type DocumentSymbol,
  type InitializeParams,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { fileURLToPath } from 'node:url';
import { factsOfText } from '../../../analysis/src/analysis';
import type { DocumentStore, OpenDocument } from '../documents';
import type { DocumentFacts } from '../../../analysis/src/facts';
import { imageDirectoryOf } from '../../../analysis/src/source-files';
import { complete, COMPLETION_TRIGGERS } from './completion';
import { foldingRanges } from './folding';
import { hover } from './hover';
import { definition, documentHighlights, prepareRename, references, rename } from './navigation';
import type { LineText } from './positions';
import { documentSymbols } from './symbols';
import { WorkspaceSymbols } from './workspace-symbols';

export class LanguageFeatures {
  private initialRoots: string[] = [];
  private clientHasWorkspaceFolders = false;
  private readonly workspaceSymbols = new WorkspaceSymbols(factsOfText);

  constructor(
    private readonly connection: Connection,
    private readonly documents: () => DocumentStore | undefined,
  ) {
    this.register();
  }

  /** Remembers the workspace folders; returns the capabilities to announce. */
  initialize(params: InitializeParams): ServerCapabilities {
    this.clientHasWorkspaceFolders = params.capabilities.workspace?.workspaceFolders === true;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.initialRoots = folders.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
    return {
      hoverProvider: true,
      completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      foldingRangeProvider: true,
    };
  }

  private withFacts<T>(uri: string, fallback: T, use: (document: OpenDocument, facts: DocumentFacts) => T): T {
    const document = this.documents()?.get(uri);
    const facts = document?.facts();
    return document && facts ? use(document, facts) : fallback;
  }

  private register(): void {
    const c = this.connection;
    c.onHover(({ textDocument, position }) =>
      this.withFacts(textDocument.uri, null, (d, facts) => {
        const result = hover(facts, d.toFactsPosition(position), lineTextOf(d));
        return result && { ...result, range: result.range && d.toLspRange(result.range) };
      }),
    );
    c.onCompletion(({ textDocument, position }) =>
      this.withFacts<CompletionList>(textDocument.uri, { isIncomplete: false, items: [] }, (d, facts) => {
        const at = d.toFactsPosition(position);
        const linePrefix = lineTextOf(d)(at.line).slice(0, at.character);
        const items = complete({ facts, position: at, linePrefix, directory: imageDirectoryOf(d.uri) });
        for (const item of items) {
          if (item.textEdit && 'range' in item.textEdit) item.textEdit.range = d.toLspRange(item.textEdit.range);
        }
        return { isIncomplete: false, items };
      }),
    );
    c.onDefinition(({ textDocument, position }) =>
      this.withFacts(textDocument.uri, [], (d, facts) =>
        definition(facts, d.toFactsPosition(position)).map((r) => ({ uri: d.uri, range: d.toLspRange(r) })),
      ),
    );
    c.onReferences(({ textDocument, position, context }) =>
      this.withFacts(textDocument.uri, [], (d, facts) =>
        references(facts, d.toFactsPosition(position), context.includeDeclaration).map((r) => ({ uri: d.uri, range: d.toLspRange(r) })),
      ),
    );
    c.onDocumentHighlight(({ textDocument, position }) =>
      this.withFacts(textDocument.uri, [], (d, facts) =>
        documentHighlights(facts, d.toFactsPosition(position)).map((h) => ({ ...h, range: d.toLspRange(h.range) })),
      ),
    );
    c.onPrepareRename(({ textDocument, position }) =>
      this.withFacts(textDocument.uri, null, (d, facts) => {
        const check = prepareRename(facts, d.toFactsPosition(position));
        if (!check) return null;
        if (!check.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, check.message);
        return { range: d.toLspRange(check.range), placeholder: check.placeholder };
      }),
    );
    c.onRenameRequest(({ textDocument, position, newName }) =>
      this.withFacts(textDocument.uri, null, (d, facts) => {
        const result = rename(facts, d.toFactsPosition(position), newName);
        if (!result) return null;
        if (!result.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, result.message);
        return { changes: { [d.uri]: result.edits.map((e) => ({ ...e, range: d.toLspRange(e.range) })) } };
      }),
    );
    c.onDocumentSymbol(({ textDocument }) =>
      this.withFacts(textDocument.uri, [], (d, facts) => documentSymbols(facts).map((s) => mapSymbol(s, d))),
    );
    c.onFoldingRanges(({ textDocument }) =>
      this.withFacts(textDocument.uri, [], (d, facts) =>
        foldingRanges(facts, lineTextOf(d)).map((f) => {
          const { start, end } = d.toLspRange({ start: { line: f.startLine, character: 0 }, end: { line: f.endLine, character: 0 } });
          return { ...f, startLine: start.line, endLine: end.line };
        }),
      ),
    );
    c.onWorkspaceSymbol(async ({ query }, token) => {
      const roots = await this.roots();
      const store = this.documents();
      const symbols = await this.workspaceSymbols.query(roots, query, (uri) => store?.get(uri)?.facts(), token);
      for (const s of symbols) {
        const open = store?.get(s.location.uri);
        if (open) s.location.range = open.toLspRange(s.location.range);
      }
      return symbols;
    });
  }

  /** The workspace folders now (asked of clients that support folders), as paths. */
  private async roots(): Promise<string[]> {
    if (!this.clientHasWorkspaceFolders) return this.initialRoots;
    try {
      const folders = (await this.connection.workspace.getWorkspaceFolders()) ?? [];
      return folders.filter((f) => f.uri.startsWith('file:')).map((f) => fileURLToPath(f.uri));
    } catch {
      return this.initialRoots;
    }
  }
}

/** Lines of the document as the facts count them ('\n' only). */
function lineTextOf(document: OpenDocument): LineText {
  return (line) => document.lineText(line);
}

function mapSymbol(symbol: DocumentSymbol, document: OpenDocument): DocumentSymbol {
  return {
    ...symbol,
    range: document.toLspRange(symbol.range),
    selectionRange: document.toLspRange(symbol.selectionRange),
    children: symbol.children?.map((child) => mapSymbol(child, document)),
  };
}
