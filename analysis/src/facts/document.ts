/**
 * Facts of a whole document. `FactsBuilder` keeps the facts of each top-level
 * statement between builds, keyed by the statement's type and text: after an
 * edit only the changed statements are walked again (walking costs wasm calls
 * per node), and the others are shifted to their new line. Node ids are no
 * use as keys: tree-sitter-bash rebuilds most top-level nodes on reparse.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { attachComments } from './comments';
import { emptyFragment, extractStatement, MAX_SYNTAX_ERRORS, type FactsFragment } from './extract';
import { typeTableOf } from './type-table';
import type { DocumentFacts, Position } from './model';
import { encodingOf } from './encoding';
import { describeError } from './syntax-errors';

interface CachedStatement {
  fragment: FactsFragment;
  line: number;
  character: number;
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

  build(tree: Tree, text: string): DocumentFacts {
    const next = new Map<string, CachedStatement>();
    const fragments: FactsFragment[] = [];
    const root = tree.rootNode;
    const rootIsError = root.type === 'ERROR';
    // A cursor over the top level, and no Node for its anonymous tokens: broken text (50,000 nested braces)
    // can give the root 100,000 tokens such as '{', which have no facts; a Node and its checks for each cost
    // seconds per keystroke.
    const { named } = typeTableOf(tree.language);
    const cursor = root.walk();
    try {
      if (cursor.gotoFirstChild()) {
        do {
          if (!(named[cursor.nodeTypeId] ?? true) && !cursor.nodeIsMissing) continue;
          const statement = cursor.currentNode;
          fragments.push(rootIsError ? extractStatement(statement, true) : this.fragmentFor(statement, text, next));
        } while (cursor.gotoNextSibling());
      }
    } finally {
      cursor.delete();
    }
    this.older = this.cache;
    this.cache = next;
    // Text that is not bash at all can make the root itself an ERROR node.
    if (rootIsError) fragments.unshift({ ...emptyFragment(), syntaxErrors: [describeError(root)] });
    const facts = merge(fragments, root.endPosition.row + 1, encodingOf(text));
    attachComments(facts, text);
    return facts;
  }

  private fragmentFor(statement: Node, text: string, next: Map<string, CachedStatement>): FactsFragment {
    const { row, column } = statement.startPosition;
    if (!statement.isNamed && !statement.isMissing) return emptyFragment();
    if (statement.hasError) return extractStatement(statement);
    const key = `${statement.typeId}\u0000${text.slice(statement.startIndex, statement.endIndex)}`;
    const cached = this.cache.get(key) ?? next.get(key) ?? this.older.get(key);
    let fragment: FactsFragment;
    if (cached && cached.character === column) {
      fragment = row === cached.line ? cached.fragment : shiftLines(cached.fragment, row - cached.line);
    } else {
      fragment = extractStatement(statement);
    }
    next.set(key, { fragment, line: row, character: column });
    return fragment;
  }
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
  if (facts.syntaxErrors.length > MAX_SYNTAX_ERRORS) {
    facts.syntaxErrors.length = MAX_SYNTAX_ERRORS;
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
