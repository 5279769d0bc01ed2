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
import {
  DocumentTree,
  ParseBudgetExceeded,
  type IncrementalCheck,
  type Parser,
  type TextReplacement,
  type Tree,
} from '../../analysis/src/parser';
import { IMAGE_FILE_NAME } from '../../shared/contract';
import { LANGUAGE_ID, SHELL_LANGUAGE_ID } from '../../shared/ids-and-settings';
import { inLspCoordinates } from './coordinates';
import { afterQueuedWork } from './document-scheduler';

/** Larger documents are not parsed: parsing and analysis would block the server for seconds. */
export const MAX_ANALYZED_CHARS = 1_000_000;

/**
 * The longest the parse of an edit may take (ms): no input (300,000 nested
 * braces, an 800 KB file on a loaded machine) may block the server much
 * longer than a second. Over it, the last good facts stay (see `overBudget`)
 * and the parse goes on in slices (`continueFacts`) until done.
 * 750 ms; MAKEIMG_PARSE_BUDGET_MS overrides it (tests use a small budget so
 * that a machine's speed does not decide).
 */
export const PARSE_BUDGET_MS = Number(process.env.MAKEIMG_PARSE_BUDGET_MS) || 750;

/**
 * The longest one build of facts may walk (ms) before it yields: the walk of
 * a huge statement (50,000 nested `$( )`) goes on in later slices (see
 * `factsPending`), and until it is done that statement keeps the facts of
 * its last version. With the parse budget, a keystroke blocks the server
 * for at most about a second. A parse that went over its budget also goes
 * on in slices of this length (parse and walk together).
 * MAKEIMG_FACTS_BUDGET_MS overrides it (tests).
 */
export const FACTS_BUDGET_MS = Number(process.env.MAKEIMG_FACTS_BUDGET_MS) || 250;

/** The shortest walk of facts worth starting after a parse in the same slice (ms); with less left, it waits for the next slice. */
const MIN_WALK_MS = 50;

/** Content changes remembered per document for mapping older ranges. */
const MAX_LOGGED_CHANGES = 500;

export class OpenDocument {
  private documentTree: DocumentTree | undefined;
  private readonly factsBuilder = new FactsBuilder();
  private cachedFacts: { version: number; facts: DocumentFacts } | undefined;
  /** The version whose parse went over PARSE_BUDGET_MS (its facts are the last good ones). */
  private overBudgetVersion: number | undefined;
  /** The version whose facts are not complete yet (the walk goes on in `continueFacts`). */
  private pendingVersion: number | undefined;
  /** The pending version's facts leave out a statement (no earlier version of it): `facts()` are the last good ones. */
  private missingVersion: number | undefined;
  /** Those waiting for the current version's facts to be complete (`factsComplete`), and the next slice of its work. */
  private completion:
    { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void; cancelSlice?: () => void } | undefined;

  constructor(
    /** The process parser (loaded before any document is parsed: see after-ready.ts). */
    private readonly parser: () => Parser,
    public textDocument: TextDocument,
    private readonly incrementalCheck?: IncrementalCheck,
  ) {
    this.changeLogStart = textDocument.version;
  }

  /** Whether `range` lies inside the current text (LSP coordinates). */
  contains(range: Range): boolean {
    const inside = (p: Range['start']) =>
      p.line >= 0 && p.character >= 0 && p.line < this.textDocument.lineCount && p.character <= this.lineText(p.line).length;
    return inside(range.start) && inside(range.end);
  }

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

  /** The content changes since recent versions, to carry older ranges (ShellCheck's) to the current text. */
  private readonly changeLog: { version: number; range?: Range; text: string }[] = [];
  private changeLogStart: number;

  /** Apply LSP content changes (incremental or full) in order. */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    // A walk in progress holds a cursor into the tree the edits change.
    this.factsBuilder.abandon();
    // Those waiting for the last version ask again, for this one.
    this.settle();
    for (const change of changes) {
      this.changeLog.push({ version, range: 'range' in change ? change.range : undefined, text: change.text });
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
    if (this.changeLog.length > MAX_LOGGED_CHANGES) {
      const dropped = this.changeLog.splice(0, this.changeLog.length - MAX_LOGGED_CHANGES);
      this.changeLogStart = dropped[dropped.length - 1].version;
    }
  }

  /**
   * A range of version `version` in the current text: moved by the lines
   * edits inserted or removed above it, or undefined when an edit touched
   * its lines (or the version is too old to know).
   */
  mapRange(range: Range, version: number): Range | undefined {
    if (version < this.changeLogStart) return undefined;
    let { start, end } = range;
    for (const change of this.changeLog) {
      if (change.version <= version) continue;
      if (!change.range) return undefined; // the whole text was replaced
      const { start: cs, end: ce } = change.range;
      // Edits on the range's own lines may have changed what it points at.
      if (cs.line <= end.line && ce.line >= start.line) return undefined;
      if (ce.line < start.line) {
        const delta = change.text.split('\n').length - 1 - (ce.line - cs.line);
        start = { line: start.line + delta, character: start.character };
        end = { line: end.line + delta, character: end.character };
      }
    }
    return { start, end };
  }

  /** The syntax tree of the current version (undefined when too large). Do not delete it. */
  tree(): DocumentTree | undefined {
    if (this.tooLarge) return undefined;
    this.documentTree ??= new DocumentTree(this.parser(), this.textDocument.getText(), PARSE_BUDGET_MS, this.incrementalCheck);
    return this.documentTree;
  }

  /**
   * `facts()` are those of an earlier version: the current one could not be
   * parsed within PARSE_BUDGET_MS (`overBudgetReason` 'parse'), or its facts
   * are not walked yet and a statement has no earlier facts ('facts').
   */
  get overBudget(): boolean {
    return this.overBudgetReason !== undefined;
  }

  get overBudgetReason(): 'parse' | 'facts' | undefined {
    if (this.overBudgetVersion === this.version) return 'parse';
    if (this.missingVersion === this.version) return 'facts';
    return undefined;
  }

  /**
   * The facts of the current version are not complete yet (its parse or the
   * walk of a statement took longer than its budget): `continueFacts()` goes on.
   */
  get factsPending(): boolean {
    return this.pendingVersion === this.version;
  }

  /**
   * Facts of the current version in LSP coordinates (undefined when too
   * large); converted once per version, only when the text has a lone '\r'.
   * Statements not walked yet (`factsPending`) keep the facts of their last
   * version (`facts.outdated`).
   */
  facts(): DocumentFacts | undefined {
    if (this.cachedFacts?.version === this.version || this.overBudget) return this.cachedFacts?.facts;
    return this.advance(PARSE_BUDGET_MS);
  }

  /** One more slice of the work on the current version's facts (when `factsPending`): parse, then walk. */
  continueFacts(): void {
    if (this.factsPending) this.advance(FACTS_BUDGET_MS);
  }

  /**
   * Resolves once the facts of the current version are complete (`facts()`
   * then describes all of the text and `factsPending` is false), or once the
   * text changes or the document is closed: the caller looks again (and
   * waits again for a newer version). Until then the work goes on in slices
   * (`continueFacts`), each once the messages queued meanwhile have been
   * handled, so the server answers other requests between two slices; all
   * who wait share these slices (the validator's diagnostics and requests
   * such as documentSymbol). Rejects when a slice throws.
   */
  factsComplete(): Promise<void> {
    this.facts(); // the current version's first slice, when nobody asked for its facts yet
    if (!this.factsPending) return Promise.resolve();
    if (!this.completion) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      this.completion = { promise, resolve, reject };
      this.nextSlice();
    }
    return this.completion.promise;
  }

  private nextSlice(): void {
    const completion = this.completion;
    if (!completion) return;
    completion.cancelSlice = afterQueuedWork(() => {
      if (this.completion !== completion) return;
      try {
        this.continueFacts();
      } catch (error) {
        this.completion = undefined;
        completion.reject(error);
        return;
      }
      if (this.factsPending) this.nextSlice();
      else this.settle();
    });
  }

  /** Wake those waiting in `factsComplete` (they look again) and stop its slices. */
  private settle(): void {
    const completion = this.completion;
    if (!completion) return;
    this.completion = undefined;
    completion.cancelSlice?.();
    completion.resolve();
  }

  /** Parse (or go on parsing) within `parseBudgetMs`, then walk a slice of the facts. */
  private advance(parseBudgetMs: number): DocumentFacts | undefined {
    const documentTree = this.tree();
    if (!documentTree) return undefined;
    let tree;
    const started = performance.now();
    const parsing = !documentTree.upToDate;
    try {
      tree = documentTree.treeWithin(parseBudgetMs);
    } catch (error) {
      if (!(error instanceof ParseBudgetExceeded)) throw error;
      // The last good analysis stays; the parse goes on in the next slice (continueFacts) or with the next version.
      this.overBudgetVersion = this.version;
      this.pendingVersion = this.version;
      return this.cachedFacts?.facts;
    }
    this.overBudgetVersion = undefined;
    // The slice's parse and walk share its budget: together they block at most about that long. After a parse
    // that left too little, the walk (and the listing of the statements before it) waits for the next slice.
    const left = parseBudgetMs - (performance.now() - started);
    if (parsing && left < MIN_WALK_MS && !this.factsBuilder.walking(tree)) {
      this.pendingVersion = this.version;
      this.missingVersion = this.version;
      return this.cachedFacts?.facts;
    }
    return this.walk(tree, documentTree.text, Math.min(FACTS_BUDGET_MS, Math.max(MIN_WALK_MS, left)));
  }

  private walk(tree: Tree, text: string, budgetMs: number): DocumentFacts | undefined {
    const built = this.factsBuilder.buildWithin(tree, text, budgetMs);
    this.pendingVersion = built.complete ? undefined : this.version;
    if (built.missing) {
      // Facts that leave out a statement would make rules report what is missing; the last good ones stay.
      this.missingVersion = this.version;
      return this.cachedFacts?.facts;
    }
    this.missingVersion = undefined;
    const facts = inLspCoordinates(built.facts, text);
    this.cachedFacts = { version: this.version, facts };
    return facts;
  }

  /**
   * The texts of the current version's top-level statements that hold its
   * syntax errors (those of the facts, which also name keywords out of
   * place that tree-sitter reads as commands); undefined when that is not
   * known: no tree, facts not complete, the whole text one error, errors
   * left out or outside every statement. A new text whose errors all lie in statements bash
   * accepted before needs no new `bash -n` (validation.ts).
   */
  statementsWithErrors(): string[] | undefined {
    const facts = this.facts();
    if (!facts || facts.syntaxErrorsTruncated || this.overBudget || this.factsPending || !this.documentTree) return undefined;
    const root = this.documentTree.tree.rootNode;
    if (root.type === 'ERROR') return undefined;
    const offsets = facts.syntaxErrors.map((e) => this.textDocument.offsetAt(e.range.start));
    const found = new Set<number>();
    const texts: string[] = [];
    const text = this.documentTree.text;
    const cursor = root.walk();
    try {
      if (cursor.gotoFirstChild()) {
        do {
          const { startIndex: start, endIndex: end } = cursor;
          const inside = offsets.filter((o) => o >= start && o < end);
          if (inside.length === 0) continue;
          inside.forEach((o) => found.add(o));
          texts.push(text.slice(start, end));
        } while (cursor.gotoNextSibling());
      }
    } finally {
      cursor.delete();
    }
    return found.size === new Set(offsets).size ? texts : undefined;
  }

  /** The text of an LSP line, without its line break ('' past the end). */
  lineText(line: number): string {
    if (line < 0 || line >= this.textDocument.lineCount) return '';
    // TextDocument keeps its line offsets up to date with each edit.
    const text = this.textDocument.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    return text.replace(/\r?\n$|\r$/, '');
  }

  dispose(): void {
    this.settle();
    this.disposeTree();
    this.cachedFacts = undefined;
  }

  private disposeTree(): void {
    this.factsBuilder.abandon();
    this.documentTree?.dispose();
    this.documentTree = undefined;
  }
}

/**
 * Whether the server checks a document as an image.sh: the makeimg language,
 * or a file named image.sh (clients that call it "sh"). Other documents (shell
 * scripts the client also sends) are only read as sourced files; so is an
 * image.sh in VS Code's shell language, which only a choice of the user gives
 * it (the MKIMG020 fix, files.associations, the language picker).
 */
export function isImageDocument(document: { languageId: string; uri: string }): boolean {
  if (document.languageId === LANGUAGE_ID) return true;
  return document.languageId !== SHELL_LANGUAGE_ID && document.uri.endsWith(`/${IMAGE_FILE_NAME}`);
}

/** Open documents by URI. Synchronous, so notifications are applied in arrival order. */
export class DocumentStore {
  private readonly documents = new Map<string, OpenDocument>();

  /**
   * `parser`: the process parser (`await getParser()`), asked for when a
   * document is first parsed: the server answers initialize before the
   * grammar is loaded and handles messages only once it is (after-ready.ts). `incrementalCheck`: debug and test runs compare incremental
   * reparses with fresh ones (see `incrementalCheckEvery`).
   */
  constructor(
    private readonly parser: () => Parser,
    private readonly incrementalCheck?: (uri: string) => IncrementalCheck,
  ) {}

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    this.documents.get(uri)?.dispose();
    const document = new OpenDocument(this.parser, TextDocument.create(uri, languageId, version, text), this.incrementalCheck?.(uri));
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

/**
 * MAKEIMG_CHECK_INCREMENTAL=N (debug and test runs): every N-th incremental
 * reparse of a document is compared with a fresh parse, and a difference is
 * logged (the published result does not depend on it: a small document
 * with errors is parsed afresh anyway). Unset or not a positive number: off.
 */
export function incrementalCheckEvery(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const every = Number(env.MAKEIMG_CHECK_INCREMENTAL);
  return Number.isInteger(every) && every > 0 ? every : undefined;
}
