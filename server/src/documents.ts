/**
 * The open documents of the server: text (LSP positions), syntax tree
 * (incremental) and facts (rebuilt per version, cached statement by
 * statement). Editor features get everything they need from `OpenDocument`.
 *
 * Positions: facts count lines by '\n' only; LSP also breaks lines at a lone
 * '\r'. `toLspRange` converts (a no-op unless the text has a lone '\r').
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { FactsBuilder, type DocumentFacts, type Range } from '../../analysis/src/facts';
import { DocumentTree, pointAt, rowStarts, type Parser, type TextReplacement } from '../../analysis/src/parser';

/** Larger documents are not parsed: parsing and analysis would block the server for seconds. */
export const MAX_ANALYZED_CHARS = 1_000_000;

export class OpenDocument {
  private documentTree: DocumentTree | undefined;
  private readonly factsBuilder = new FactsBuilder();
  private cachedFacts: { version: number; facts: DocumentFacts } | undefined;
  /** Facts line starts of a version, computed on the first position conversion (not per keystroke). */
  private cachedRowStarts: { version: number; starts: number[] | undefined } | undefined;

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

  /** Facts of the current version (undefined when too large). */
  facts(): DocumentFacts | undefined {
    if (this.cachedFacts?.version === this.version) return this.cachedFacts.facts;
    const documentTree = this.tree();
    if (!documentTree) return undefined;
    const facts = this.factsBuilder.build(documentTree.tree, documentTree.text);
    this.cachedFacts = { version: this.version, facts };
    return facts;
  }

  /** A facts range as an LSP range of this document. */
  toLspRange(range: Range): Range {
    const starts = this.factsRowStarts();
    if (!starts) return range;
    const at = (p: Range['start']) => this.textDocument.positionAt((starts[p.line] ?? Number.MAX_SAFE_INTEGER) + p.character);
    return { start: at(range.start), end: at(range.end) };
  }

  /** An LSP position of this document as a facts position (the inverse of toLspRange). */
  toFactsPosition(position: Range['start']): Range['start'] {
    const starts = this.factsRowStarts();
    if (!starts) return position;
    const point = pointAt(starts, this.textDocument.offsetAt(position));
    return { line: point.row, character: point.column };
  }

  /** The text of a facts line, without its line break ('' past the end). */
  lineText(line: number): string {
    const starts = this.factsRowStarts();
    if (!starts) {
      // Facts lines are LSP lines here, and TextDocument keeps its line offsets up to date with each edit.
      const text = this.textDocument.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
      return line >= 0 && line < this.textDocument.lineCount ? text.replace(/\r?\n$/, '') : '';
    }
    if (line < 0 || line >= starts.length) return '';
    const text = this.textDocument.getText();
    const end = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
    return text.slice(starts[line], end).replace(/\r$/, '');
  }

  dispose(): void {
    this.disposeTree();
    this.cachedFacts = undefined;
    this.cachedRowStarts = undefined;
  }

  /** Offsets where the facts' lines start, or undefined when they are LSP's lines too (no lone '\r'). */
  private factsRowStarts(): number[] | undefined {
    if (this.cachedRowStarts?.version !== this.version) {
      const text = this.textDocument.getText();
      this.cachedRowStarts = { version: this.version, starts: /\r(?!\n)/.test(text) ? rowStarts(text) : undefined };
    }
    return this.cachedRowStarts.starts;
  }

  private disposeTree(): void {
    this.documentTree?.dispose();
    this.documentTree = undefined;
  }
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
