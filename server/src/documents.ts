/**
 * The open documents of the server: text (LSP positions), syntax tree
 * (incremental) and facts (rebuilt per version, cached statement by
 * statement). Editor features get everything they need from `OpenDocument`.
 *
 * Positions: everything an OpenDocument hands out is in LSP coordinates
 * (see coordinates.ts).
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { FactsBuilder, type DocumentFacts, type Range } from '../../analysis/src/facts';
import { DocumentTree, type Parser, type TextReplacement } from '../../analysis/src/parser';
import { IMAGE_FILE_NAME } from '../../shared/contract';
import { LANGUAGE_ID } from '../../shared/ids-and-settings';
import { inLspCoordinates } from './coordinates';

/** Larger documents are not parsed: parsing and analysis would block the server for seconds. */
export const MAX_ANALYZED_CHARS = 1_000_000;

export class OpenDocument {
  private documentTree: DocumentTree | undefined;
  private readonly factsBuilder = new FactsBuilder();
  private cachedFacts: { version: number; facts: DocumentFacts } | undefined;

  constructor(
    private readonly parser: Parser,
    public textDocument: TextDocument,
  ) {}

  get uri(): string {
    return this.textDocument.uri;
  }

  get version(): number {
    return this.textDocument.version;
  }

  /** Too large to analyse (see MAX_ANALYZED_CHARS). */
  get tooLarge(): boolean {
    return this.textDocument.getText().length > MAX_ANALYZED_CHARS;
  }

  /** Apply LSP content changes (incremental or full) in order. */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change) {
        const start = this.textDocument.offsetAt(change.range.start);
        const end = this.textDocument.offsetAt(change.range.end);
        const replacement: TextReplacement = { start, end, newText: change.text };
        TextDocument.update(this.textDocument, [change], version);
        this.documentTree?.applyEdits([replacement]);
      } else {
        TextDocument.update(this.textDocument, [change], version);
        this.documentTree?.setText(change.text);
      }
    }
    // A document that grew past the limit drops its tree; one that shrank gets a fresh one on demand.
    if (this.tooLarge) this.disposeTree();
  }

  /** The syntax tree of the current version (undefined when too large). Do not delete it. */
  tree(): DocumentTree | undefined {
    if (this.tooLarge) return undefined;
    this.documentTree ??= new DocumentTree(this.parser, this.textDocument.getText());
    return this.documentTree;
  }

  /**
   * Facts of the current version in LSP coordinates (undefined when too
   * large); converted once per version, only when the text has a lone '\r'.
   */
  facts(): DocumentFacts | undefined {
    if (this.cachedFacts?.version === this.version) return this.cachedFacts.facts;
    const documentTree = this.tree();
    if (!documentTree) return undefined;
    const facts = inLspCoordinates(this.factsBuilder.build(documentTree.tree, documentTree.text), documentTree.text);
    this.cachedFacts = { version: this.version, facts };
    return facts;
  }

  /** The text of an LSP line, without its line break ('' past the end). */
  lineText(line: number): string {
    if (line < 0 || line >= this.textDocument.lineCount) return '';
    // TextDocument keeps its line offsets up to date with each edit.
    const text = this.textDocument.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    return text.replace(/\r?\n$|\r$/, '');
  }

  dispose(): void {
    this.disposeTree();
    this.cachedFacts = undefined;
  }

  private disposeTree(): void {
    this.documentTree?.dispose();
    this.documentTree = undefined;
  }
}

/**
 * Whether the server checks a document as an image.sh: the makeimg language,
 * or a file named image.sh (clients that call it "sh"). Other documents (shell
 * scripts the client also sends) are only read as sourced files.
 */
export function isImageDocument(document: { languageId: string; uri: string }): boolean {
  return document.languageId === LANGUAGE_ID || document.uri.endsWith(`/${IMAGE_FILE_NAME}`);
}

/** Open documents by URI. Synchronous, so notifications are applied in arrival order. */
export class DocumentStore {
  private readonly documents = new Map<string, OpenDocument>();

  /** `parser`: the loaded process parser (`await getParser()` once at initialize). */
  constructor(private readonly parser: Parser) {}

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    this.documents.get(uri)?.dispose();
    const document = new OpenDocument(this.parser, TextDocument.create(uri, languageId, version, text));
    this.documents.set(uri, document);
    return document;
  }

  get(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.documents.values()];
  }

  close(uri: string): void {
    this.documents.get(uri)?.dispose();
    this.documents.delete(uri);
  }
}
