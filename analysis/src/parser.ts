/**
 * The one tree-sitter-bash parser of this process, and incremental parsing of
 * a document.
 *
 * Units: web-tree-sitter indexes JavaScript strings in UTF-16 code units
 * (node.startIndex, Point.column), the same unit LSP positions use by
 * default. Rows count '\n' only, so `pointAt` does the same.
 */
import { Language, Parser, type Edit, type Point, type Tree } from 'web-tree-sitter';
import { locateWasm } from './wasm-files';

export type { Tree, Node, Point, Parser } from 'web-tree-sitter';

let parserPromise: Promise<Parser> | undefined;

/** The process-wide parser, loaded on first use. */
export function getParser(): Promise<Parser> {
  parserPromise ??= loadParser();
  return parserPromise;
}

async function loadParser(): Promise<Parser> {
  const runtimeWasm = locateWasm('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm');
  await Parser.init({ locateFile: () => runtimeWasm });
  const language = await Language.load(locateWasm('tree-sitter-bash.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/**
 * Thrown when a parse takes longer than its budget. A DocumentTree's parse
 * is kept half-done and its next parse of the same text goes on from there
 * (see `parseWith`); any other is dropped.
 */
export class ParseBudgetExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`parsing took longer than ${budgetMs} ms`);
  }
}

/**
 * Parse a whole text into a new tree (the caller deletes it). `budgetMs`
 * bounds the time (ParseBudgetExceeded); without it, the parse may take as
 * long as the text needs.
 */
export async function parseText(text: string, budgetMs?: number): Promise<Tree> {
  const parser = await getParser();
  return parseWith(parser, text, null, budgetMs);
}

/**
 * tree-sitter-bash's lexer takes NUL for the end of input and recovers from
 * each one by rescanning: quadratic (16,000 NULs took 15 s). Bash refuses
 * such files anyway; a space in their place keeps every offset.
 */
export function withoutNulBytes(text: string): string {
  return text.includes('\0') ? text.replace(/\0/g, ' ') : text;
}

/**
 * Whose parse the process parser holds half-done (a parse stopped by its
 * budget), so that the owner's next parse of the same text goes on from
 * there instead of starting again: an 800 KB file takes longer than one
 * budget to parse on a loaded machine, and would never be parsed if each try
 * started over. A parse for anyone else drops it first.
 */
let suspendedFor: object | undefined;

/**
 * Parse synchronously with a loaded parser (see parseText). With `resumable`
 * (an owner, e.g. a DocumentTree), a parse over its budget stays half-done
 * for that owner's next call, which must give the same text and old tree
 * (or call `dropSuspendedParse` first).
 */
export function parseWith(parser: Parser, text: string, oldTree: Tree | null, budgetMs?: number, resumable?: object): Tree {
  // A parse held half-done for someone else would go on with this text.
  if (suspendedFor !== undefined && suspendedFor !== resumable) dropSuspendedParse(parser, suspendedFor);
  let options: { progressCallback: () => boolean } | undefined;
  if (budgetMs !== undefined) {
    const deadline = performance.now() + budgetMs;
    options = { progressCallback: () => performance.now() > deadline };
  }
  // The typings say void; returning true cancels the parse (web-tree-sitter 0.25).
  const tree = parser.parse(withoutNulBytes(text), oldTree, options as Parameters<Parser['parse']>[2]);
  if (!tree) {
    if (budgetMs !== undefined && resumable !== undefined) {
      suspendedFor = resumable;
      throw new ParseBudgetExceeded(budgetMs);
    }
    // A cancelled parse would resume on the next call, possibly of another text.
    parser.reset();
    if (budgetMs !== undefined) throw new ParseBudgetExceeded(budgetMs);
    throw new Error('tree-sitter returned no tree');
  }
  suspendedFor = undefined;
  return tree;
}

/** Forget the half-done parse of `owner`, if the parser holds one (its text changed). */
export function dropSuspendedParse(parser: Parser, owner: object): void {
  if (suspendedFor !== owner) return;
  parser.reset();
  suspendedFor = undefined;
}

/** Start offsets of the rows of a text, rows separated by '\n' as tree-sitter counts them. */
export function rowStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The tree-sitter point of a UTF-16 offset, given the text's row starts. */
export function pointAt(starts: readonly number[], offset: number): Point {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { row: lo, column: offset - starts[lo] };
}

/** The point of an offset, counting rows from the start of the text. */
function pointBefore(text: string, offset: number): Point {
  let row = 0;
  let rowStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    rowStart = i + 1;
  }
  return { row, column: offset - rowStart };
}

/**
 * Texts up to this size are parsed afresh when an incremental parse leaves
 * errors, unless those errors lie where they were, away from the edits
 * (`errorsAwayFromEdits`).
 */
export const FRESH_REPARSE_MAX_CHARS = 200_000;

/** A top-level statement that holds a syntax error: offsets into the text it was parsed from, and its text. */
interface ErroneousStatement {
  start: number;
  end: number;
  text: string;
}

/** The top-level statements of `tree` that hold syntax errors (a cursor: no Node per anonymous token). */
function erroneousStatements(tree: Tree, text: string): ErroneousStatement[] {
  const found: ErroneousStatement[] = [];
  const cursor = tree.rootNode.walk();
  try {
    if (cursor.gotoFirstChild()) {
      do {
        const node = cursor.currentNode;
        if (node.hasError) found.push({ start: node.startIndex, end: node.endIndex, text: text.slice(node.startIndex, node.endIndex) });
      } while (cursor.gotoNextSibling());
    }
  } finally {
    cursor.delete();
  }
  return found;
}

/** One replacement in a text: offsets are UTF-16 code units into the text before the change. */
export interface TextReplacement {
  start: number;
  end: number;
  newText: string;
}

/**
 * A document's text and syntax tree, kept in step through incremental edits.
 * Edits only record `tree.edit`; the reparse happens on the next `tree`
 * access, so a burst of keystrokes costs one parse.
 */
/**
 * Debug and test builds (issue 11 item 18): every `every`-th incremental
 * reparse is compared with a fresh parse of the same text, and a difference
 * is reported, so that a tree that depends on the edit history is seen.
 */
export interface IncrementalCheck {
  every: number;
  onDifference(difference: IncrementalDifference): void;
}

export interface IncrementalDifference {
  textLength: number;
  /** Where the two trees' S-expressions part, and a stretch of each from there. */
  at: number;
  incremental: string;
  fresh: string;
}

/** Where the S-expressions of two trees part (undefined when they are the same), with 80 characters of each from there. */
export function treeDifference(incremental: Tree, fresh: Tree): Omit<IncrementalDifference, 'textLength'> | undefined {
  const a = incremental.rootNode.toString();
  const b = fresh.rootNode.toString();
  if (a === b) return undefined;
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  const from = Math.max(0, at - 20);
  return { at, incremental: a.slice(from, at + 60), fresh: b.slice(from, at + 60) };
}

export class DocumentTree {
  private currentText: string;
  private currentTree: Tree | undefined;
  private stale = true;
  private incrementalReparses = 0;
  /** How many incremental parses were redone afresh because of their errors (tests and debugging). */
  freshReparses = 0;
  /** The current tree's top-level statements with syntax errors. */
  private erroneous: ErroneousStatement[] = [];
  /** The stretch of the current text that the edits since the last parse replaced (offsets into it). */
  private editedSpan: { start: number; end: number } | undefined;

  constructor(
    private readonly parser: Parser,
    text: string,
    /** Longest a (re)parse may take; the `tree` getter then throws ParseBudgetExceeded. */
    private readonly budgetMs?: number,
    private readonly check?: IncrementalCheck,
  ) {
    this.currentText = text;
  }

  static async create(text: string, budgetMs?: number): Promise<DocumentTree> {
    return new DocumentTree(await getParser(), text, budgetMs);
  }

  get text(): string {
    return this.currentText;
  }

  /** The tree is parsed and has no edits pending (`tree` costs nothing). */
  get upToDate(): boolean {
    return !this.stale && this.currentTree !== undefined;
  }

  /**
   * The up-to-date tree (reparsed incrementally if edits are pending). Do
   * not delete it. Throws ParseBudgetExceeded when the parse takes too long;
   * the edits stay recorded, so a later access tries again.
   */
  get tree(): Tree {
    return this.treeWithin(this.budgetMs);
  }

  /**
   * The up-to-date tree, parsing for at most `budgetMs` (see `tree`). A parse
   * over the budget is kept half-done: the next call goes on from there,
   * unless the text changed meanwhile.
   */
  treeWithin(budgetMs: number | undefined): Tree {
    if (this.stale || !this.currentTree) {
      const old = this.currentTree;
      const started = performance.now();
      let tree = parseWith(this.parser, this.currentText, old ?? null, budgetMs, this);
      // tree-sitter's error recovery can depend on the old tree: an incremental
      // parse of broken text may differ from a fresh one (about 1 in 60-100
      // fuzzed samples). What is reported must not depend on the edit history,
      // and a fresh parse of a small file costs little (unless the errors lie
      // where they were, away from the edits: errorsAwayFromEdits). Both parses
      // share the budget: when the fresh one does not fit (50,000 `$( )` in a
      // row), the incremental tree stays.
      if (old && tree.rootNode.hasError && this.currentText.length <= FRESH_REPARSE_MAX_CHARS && !this.errorsAwayFromEdits(old, tree)) {
        const fresh = this.freshWithin(budgetMs === undefined ? undefined : budgetMs - (performance.now() - started));
        if (fresh) {
          tree.delete();
          tree = fresh;
          this.freshReparses++;
        }
      } else if (old && this.check && ++this.incrementalReparses % this.check.every === 0) {
        this.compareWithFresh(tree);
      }
      this.currentTree = tree;
      old?.delete();
      this.stale = false;
      this.editedSpan = undefined;
      this.erroneous = tree.rootNode.hasError && tree.rootNode.type !== 'ERROR' ? erroneousStatements(tree, this.currentText) : [];
    }
    return this.currentTree;
  }

  /** A fresh parse of the current text, or undefined when it does not fit in `budgetMs`. */
  private freshWithin(budgetMs: number | undefined): Tree | undefined {
    if (budgetMs !== undefined && budgetMs <= 0) return undefined;
    try {
      return parseWith(this.parser, this.currentText, null, budgetMs);
    } catch (error) {
      if (error instanceof ParseBudgetExceeded) return undefined;
      throw error;
    }
  }

  /**
   * Whether the errors of an incremental parse lie where they were: each in a
   * top-level statement that held an error before, with the same text, that
   * neither the edits nor the structural changes touch. Error recovery then
   * ran on the same statement from the same (top-level) start as in the
   * previous tree, which was itself a fresh parse or such a tree: the result
   * is the fresh parse's, without its cost on every keystroke in a large file
   * with one line tree-sitter cannot read (git's bash completion has a zsh
   * line). Checked against fresh parses of thousands of random edits.
   */
  private errorsAwayFromEdits(old: Tree, tree: Tree): boolean {
    const span = this.editedSpan;
    if (!span || tree.rootNode.type === 'ERROR' || this.erroneous.length === 0) return false;
    const before = new Set(this.erroneous.map((s) => s.text));
    const changed = old.getChangedRanges(tree);
    const touches = (s: ErroneousStatement, start: number, end: number) => start <= s.end && end >= s.start;
    return erroneousStatements(tree, this.currentText).every(
      (s) => before.has(s.text) && !touches(s, span.start, span.end) && !changed.some((r) => touches(s, r.startIndex, r.endIndex)),
    );
  }

  private compareWithFresh(incremental: Tree): void {
    let fresh: Tree | undefined;
    try {
      fresh = parseWith(this.parser, this.currentText, null, this.budgetMs);
      const difference = treeDifference(incremental, fresh);
      if (difference) this.check?.onDifference({ textLength: this.currentText.length, ...difference });
    } catch (error) {
      if (!(error instanceof ParseBudgetExceeded)) throw error;
    } finally {
      fresh?.delete();
    }
  }

  /** Apply replacements in order; each one's offsets refer to the text after the previous ones. */
  applyEdits(replacements: readonly TextReplacement[]): void {
    for (const r of replacements) this.applyEdit(r);
  }

  private applyEdit({ start, end, newText }: TextReplacement): void {
    dropSuspendedParse(this.parser, this);
    const oldText = this.currentText;
    const s = Math.max(0, Math.min(start, oldText.length));
    const e = Math.max(s, Math.min(end, oldText.length));
    const nextText = oldText.slice(0, s) + newText + oldText.slice(e);
    if (this.currentTree) {
      const startPosition = pointBefore(oldText, s);
      const oldEndPosition = pointBefore(oldText, e);
      const inserted = rowStarts(newText);
      const insertedRows = inserted.length - 1;
      const newEndPosition: Point =
        insertedRows === 0
          ? { row: startPosition.row, column: startPosition.column + newText.length }
          : { row: startPosition.row + insertedRows, column: newText.length - inserted[insertedRows] };
      const edit: Edit = {
        startIndex: s,
        oldEndIndex: e,
        newEndIndex: s + newText.length,
        startPosition,
        oldEndPosition,
        newEndPosition,
      };
      this.currentTree.edit(edit);
    }
    this.currentText = nextText;
    this.stale = true;
    // Carry the span edited so far through this edit, and add this edit's new text.
    const delta = newText.length - (e - s);
    const carry = (offset: number) => (offset < s ? offset : offset >= e ? offset + delta : s);
    const previous = this.editedSpan;
    this.editedSpan = {
      start: Math.min(previous ? carry(previous.start) : s, s),
      end: Math.max(previous ? carry(previous.end) : s + newText.length, s + newText.length),
    };
  }

  /** Replace the whole text (full sync); the next parse starts from scratch. */
  setText(text: string): void {
    dropSuspendedParse(this.parser, this);
    this.currentTree?.delete();
    this.currentTree = undefined;
    this.currentText = text;
    this.stale = true;
    this.editedSpan = undefined;
  }

  /** Free the WASM memory of the tree. The object must not be used afterwards. */
  dispose(): void {
    dropSuspendedParse(this.parser, this);
    this.currentTree?.delete();
    this.currentTree = undefined;
  }
}
