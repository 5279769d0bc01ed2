/**
 * Facts of a whole document. `FactsBuilder` keeps the facts of each top-level
 * statement between builds, keyed by the statement's type and text: after an
 * edit only the changed statements are walked again (walking costs wasm calls
 * per node), and the others are shifted to their new line. Node ids are no
 * use as keys: tree-sitter-bash rebuilds most top-level nodes on reparse.
 *
 * A build can have a time budget (`buildWithin`): a changed statement can be
 * huge (50,000 nested `$( )` take hundreds of ms to walk, seconds under
 * load), and a keystroke must not block the server that long. Statements not
 * walked within the budget keep the facts of their last version (by
 * position), and the next call with the same tree walks on from where the
 * last one stopped, until the build is complete.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { attachComments } from './comments';
import { emptyFragment, MAX_SYNTAX_ERRORS, StatementExtraction, type FactsFragment } from './extract';
import { typeTableOf } from './type-table';
import type { DocumentFacts, Position, Range } from './model';
import { encodingOf } from './encoding';
import { describeError } from './syntax-errors';

interface CachedStatement {
  fragment: FactsFragment;
  line: number;
  character: number;
}

/** One top-level statement of the tree being built. */
interface Slot {
  node: Node;
  /** Offsets in the text. */
  start: number;
  end: number;
  range: Range;
  /** Cache key (undefined: not cached, as a statement with errors or a piece of an ERROR root). */
  key: string | undefined;
  inError: boolean;
  /** It has syntax errors (ERROR or MISSING nodes). */
  hasError: boolean;
  /** Its syntax errors are described (false: more than MAX_SYNTAX_ERRORS statements with errors come before it). */
  describeErrors: boolean;
  /** Its facts of this version, once walked (or found in the cache). */
  fragment?: FactsFragment;
  /** Its walk, when a budget stopped it half-way. */
  extraction?: StatementExtraction;
  /** Until it is walked: the statements of the last build that started within its range (indexes from, to). */
  earlier?: [number, number];
}

/** A statement's facts as the last build composed them (possibly from an earlier version), with its offsets in that build's text. */
interface Composed {
  start: number;
  end: number;
  fragment: FactsFragment;
}

/** The build of one tree, possibly spread over several calls. */
interface Round {
  tree: Tree;
  slots: Slot[];
  /** Slots to walk: those without earlier facts first, then smallest first (one huge statement does not hold up the small ones). */
  todo: Slot[];
  /** Index of the first slot of `todo` not walked yet. */
  walked: number;
  next: Map<string, CachedStatement>;
  /** The statements of the build before this round (the last version of a statement not walked yet). */
  predecessors: Composed[];
  /** An offset of the text of the build before this round, in this round's text. */
  moved: (offset: number) => number;
  rootError: FactsFragment | undefined;
  lineCount: number;
}

/** The result of a build with a time budget. */
export interface BudgetedFacts {
  /** Statements that are not walked yet are left out, or (`outdated`) have the facts of their last version. */
  facts: DocumentFacts;
  /** Every statement has the facts of this version. */
  complete: boolean;
  /** A statement not walked yet has no earlier version either: `facts` leave it out. */
  missing: boolean;
}

export class FactsBuilder {
  /** Statements of the previous build by type and text. */
  private cache = new Map<string, CachedStatement>();
  /**
   * Statements of the build before it: a keystroke that breaks the syntax
   * (`fi` -> `fix`) regroups everything after it, and the next keystroke
   * usually restores the text, so those statements come back unchanged.
   */
  private older = new Map<string, CachedStatement>();
  /** The statements as the last build composed them, in order, and that build's text. */
  private previous: Composed[] = [];
  private previousText = '';
  private round: Round | undefined;

  /** Facts of the whole tree, however long the walk takes. */
  build(tree: Tree, text: string): DocumentFacts {
    return this.buildWithin(tree, text, Infinity).facts;
  }

  /**
   * Facts of the tree, walking for at most about `budgetMs`. A call with the
   * same tree goes on where the last one stopped; call `abandon()` before
   * the tree is edited or deleted.
   */
  buildWithin(tree: Tree, text: string, budgetMs: number): BudgetedFacts {
    const deadline = performance.now() + budgetMs;
    if (this.round && this.round.tree !== tree) this.abandon();
    const round = (this.round ??= this.startRound(tree, text));
    while (round.walked < round.todo.length) {
      const slot = round.todo[round.walked];
      // Many small statements (the 50,000 pieces of an ERROR root) add up too.
      if (!slot.extraction && performance.now() > deadline) break;
      slot.extraction ??= new StatementExtraction(slot.node, slot.inError, slot.describeErrors);
      if (!slot.extraction.run(deadline)) break;
      slot.fragment = slot.extraction.fragment;
      slot.extraction = undefined;
      if (slot.key)
        round.next.set(slot.key, { fragment: slot.fragment, line: slot.range.start.line, character: slot.range.start.character });
      round.walked++;
    }
    const { fragments, composed, outdated, missing } = compose(round);
    this.previous = composed;
    this.previousText = text;
    const complete = round.walked === round.todo.length;
    if (complete) this.endRound();
    const facts = merge(fragments, round.lineCount, encodingOf(text));
    if (outdated.length > 0) facts.outdated = outdated;
    attachComments(facts, text);
    return { facts, complete, missing };
  }

  /** Whether a build of `tree` is under way (a call goes on with it, without listing the statements again). */
  walking(tree: Tree): boolean {
    return this.round?.tree === tree;
  }

  /** Stop the build in progress, if any (its finished statements stay cached). */
  abandon(): void {
    if (!this.round) return;
    this.round.todo[this.round.walked]?.extraction?.dispose();
    this.endRound();
  }

  private endRound(): void {
    if (!this.round) return;
    this.older = this.cache;
    this.cache = this.round.next;
    this.round = undefined;
  }

  private startRound(tree: Tree, text: string): Round {
    const root = tree.rootNode;
    const rootIsError = root.type === 'ERROR';
    const next = new Map<string, CachedStatement>();
    const slots: Slot[] = [];
    // A cursor over the top level, and no Node for its anonymous tokens: broken text (50,000 nested braces)
    // can give the root 100,000 tokens such as '{', which have no facts; a Node and its checks for each cost
    // seconds per keystroke.
    const { named } = typeTableOf(tree.language);
    const cursor = root.walk();
    try {
      if (cursor.gotoFirstChild()) {
        do {
          if (!(named[cursor.nodeTypeId] ?? true) && !cursor.nodeIsMissing) continue;
          slots.push(this.slotFor(cursor.currentNode, text, rootIsError, next));
        } while (cursor.gotoNextSibling());
      }
    } finally {
      cursor.delete();
    }
    // Each statement with errors has at least one: past the first MAX_SYNTAX_ERRORS + 1 of them (in document order),
    // what the merge reports is known without describing more. The same ones whatever the order of the walk.
    let withErrors = 0;
    for (const slot of slots) if (slot.hasError && ++withErrors > MAX_SYNTAX_ERRORS + 1) slot.describeErrors = false;
    const todo = slots.filter((slot) => !slot.fragment);
    const predecessors = this.previous;
    const moved = offsetMover(this.previousText, text);
    for (const slot of todo) {
      const from = firstMovedAtOrAfter(predecessors, moved, slot.start);
      let to = from;
      while (to < predecessors.length && moved(predecessors[to].start) < slot.end) to++;
      if (to > from) slot.earlier = [from, to];
    }
    todo.sort((a, b) => (a.earlier ? 1 : 0) - (b.earlier ? 1 : 0) || a.end - a.start - (b.end - b.start));
    return {
      tree,
      slots,
      todo,
      walked: 0,
      next,
      predecessors,
      moved,
      // Text that is not bash at all can make the root itself an ERROR node.
      rootError: rootIsError ? { ...emptyFragment(), syntaxErrors: [describeError(root)] } : undefined,
      lineCount: root.endPosition.row + 1,
    };
  }

  private slotFor(statement: Node, text: string, inError: boolean, next: Map<string, CachedStatement>): Slot {
    const { startPosition: s, endPosition: e } = statement;
    const range = { start: { line: s.row, character: s.column }, end: { line: e.row, character: e.column } };
    const hasError = statement.hasError;
    const slot: Slot = {
      node: statement,
      start: statement.startIndex,
      end: statement.endIndex,
      range,
      key: undefined,
      inError,
      hasError,
      describeErrors: true,
    };
    if (inError) return slot;
    if (!statement.isNamed && !statement.isMissing) {
      slot.fragment = emptyFragment();
      return slot;
    }
    if (hasError) return slot;
    const key = `${statement.typeId}\u0000${text.slice(statement.startIndex, statement.endIndex)}`;
    slot.key = key;
    const cached = this.cache.get(key) ?? next.get(key) ?? this.older.get(key);
    if (cached && cached.character === s.column) {
      slot.fragment = s.row === cached.line ? cached.fragment : shiftLines(cached.fragment, s.row - cached.line);
      next.set(key, { fragment: slot.fragment, line: s.row, character: s.column });
    }
    return slot;
  }
}

/**
 * The fragments of a round in document order. A statement not walked yet
 * takes the fragments the last build had for the statements that started
 * within its range (an edit inside a statement does not move its start);
 * their positions after the edit may be off by what it inserted, until the
 * walk is done.
 */
function compose(round: Round): { fragments: FactsFragment[]; composed: Composed[]; outdated: Range[]; missing: boolean } {
  const fragments: FactsFragment[] = [];
  const composed: Composed[] = [];
  const outdated: Range[] = [];
  let missing = false;
  if (round.rootError) fragments.push(round.rootError);
  const { predecessors, moved } = round;
  for (const slot of round.slots) {
    if (slot.fragment) {
      fragments.push(slot.fragment);
      composed.push({ start: slot.start, end: slot.end, fragment: slot.fragment });
      continue;
    }
    if (!slot.earlier) {
      missing = true;
      continue;
    }
    for (let i = slot.earlier[0]; i < slot.earlier[1]; i++) {
      const earlier = predecessors[i];
      fragments.push(earlier.fragment);
      composed.push({ start: moved(earlier.start), end: moved(earlier.end), fragment: earlier.fragment });
    }
    outdated.push(slot.range);
  }
  return { fragments, composed, outdated, missing };
}

/** Index of the first statement (sorted by start) whose moved start is at or after `offset`. */
function firstMovedAtOrAfter(statements: readonly Composed[], moved: (offset: number) => number, offset: number): number {
  let lo = 0;
  let hi = statements.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (moved(statements[mid].start) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where an offset of `before` is in `after`, taking the two texts to differ
 * in one stretch (their common start and end stay; an offset inside the
 * stretch goes to its start). Computed on first use: only a build that
 * could not walk everything needs it.
 */
function offsetMover(before: string, after: string): (offset: number) => number {
  let change: { start: number; oldEnd: number; delta: number } | undefined;
  return (offset) => {
    if (!change) {
      const shorter = Math.min(before.length, after.length);
      let start = 0;
      while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
      let common = 0;
      while (common < shorter - start && before.charCodeAt(before.length - 1 - common) === after.charCodeAt(after.length - 1 - common))
        common++;
      change = { start, oldEnd: before.length - common, delta: after.length - before.length };
    }
    if (offset < change.start) return offset;
    if (offset >= change.oldEnd) return offset + change.delta;
    return change.start;
  };
}

/** Facts of a tree without any cache. */
export function extractFacts(tree: Tree, text: string): DocumentFacts {
  return new FactsBuilder().build(tree, text);
}

function merge(fragments: FactsFragment[], lineCount: number, encoding: DocumentFacts['encoding']): DocumentFacts {
  const facts: DocumentFacts = { ...emptyFragment(), syntaxErrorsTruncated: false, lineCount, encoding };
  for (const f of fragments) {
    pushAll(facts.assignments, f.assignments);
    pushAll(facts.functions, f.functions);
    pushAll(facts.references, f.references);
    pushAll(facts.commands, f.commands);
    pushAll(facts.sources, f.sources);
    pushAll(facts.syntaxErrors, f.syntaxErrors);
    pushAll(facts.blocks, f.blocks);
    pushAll(facts.comments, f.comments);
  }
  if (facts.syntaxErrors.length > MAX_SYNTAX_ERRORS || fragments.some((f) => f.syntaxErrorsSkipped)) {
    if (facts.syntaxErrors.length > MAX_SYNTAX_ERRORS) facts.syntaxErrors.length = MAX_SYNTAX_ERRORS;
    facts.syntaxErrorsTruncated = true;
  }
  return facts;
}

function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** A deep copy with every position moved by `delta` lines. */
function shiftLines<T>(value: T, delta: number): T {
  if (Array.isArray(value)) return value.map((v) => shiftLines(v, delta)) as T;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.line === 'number' && typeof record.character === 'number') {
    return { line: (record as unknown as Position).line + delta, character: record.character } as T;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) copy[key] = shiftLines(record[key], delta);
  return copy as T;
}
