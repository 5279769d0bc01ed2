/**
 * Syntax tree -> DocumentFacts in one iterative walk (a TreeCursor and an
 * explicit context stack: 10,000 nested braces must not overflow the JS stack).
 */
import type { Node, TreeCursor } from 'web-tree-sitter';
import type { ArrayElementFact, AssignmentFact, BlockFact, DeclarationKeyword, DocumentFacts, Range, UnknownReason } from './model';
import { CLOSING_WORDS, describeError, describeMissing, describeStrayWord } from './syntax-errors';
import { typeTableOf, type TypeTable } from './type-table';
import { evaluateWord, rangeOf } from './words';

/** Recording stops here (per statement; the merge caps the total). */
export const MAX_SYNTAX_ERRORS = 100;

interface Context {
  fn: string | null;
  conditional: boolean;
  loop: boolean;
  subshell: boolean;
  quoted: boolean;
  /** Inside an ERROR node: its pieces are not statements. */
  inError: boolean;
  declaration: { keyword: DeclarationKeyword; flags: string[]; statement: Node } | undefined;
}

interface Frame {
  depth: number;
  ctx: Context;
}

const CONDITIONAL_TYPES = new Set(['if_statement', 'case_statement', 'list', 'ternary_expression']);
const LOOP_TYPES = new Set(['while_statement', 'for_statement', 'c_style_for_statement', 'select_statement']);
const SUBSHELL_TYPES = new Set(['subshell', 'command_substitution', 'process_substitution', 'pipeline']);
const QUOTED_TYPES = new Set(['string', 'heredoc_body', 'translated_string']);
const ARITHMETIC_PARENTS = new Set([
  'arithmetic_expansion',
  'binary_expression',
  'unary_expression',
  'postfix_expression',
  'parenthesized_expression',
  'ternary_expression',
  'c_style_for_statement',
]);
const BLOCK_KIND: Record<string, BlockFact['kind']> = {
  function_definition: 'function',
  if_statement: 'if',
  case_statement: 'case',
  while_statement: 'loop',
  for_statement: 'loop',
  c_style_for_statement: 'loop',
  compound_statement: 'group',
  subshell: 'subshell',
  heredoc_body: 'heredoc',
  array: 'array',
};
const DECLARATION_KEYWORDS = new Set<string>(['local', 'declare', 'typeset', 'readonly', 'export']);
/** declare options that transform or redirect the value, so it is not what is written. */
const VALUE_CHANGING_FLAGS = /[ilunA]/;
const GUARD_OPERATORS = new Set([':-', '-', ':=', '=', ':+', '+', ':?', '?']);
const ASSIGNING_OPERATORS = new Set([':=', '=']);

/** The facts of one top-level statement (positions absolute, comments above not attached yet). */
export type FactsFragment = Omit<DocumentFacts, 'lineCount' | 'syntaxErrorsTruncated' | 'encoding'> & {
  /** Syntax errors found but not described (the document has more than MAX_SYNTAX_ERRORS before this statement). */
  syntaxErrorsSkipped?: number;
};

export function emptyFragment(): FactsFragment {
  return { assignments: [], functions: [], references: [], commands: [], sources: [], syntaxErrors: [], blocks: [], comments: [] };
}

/** Facts of one direct child of the program node (`inError`: the root itself is an ERROR node). */
export function extractStatement(statement: Node, inError = false): FactsFragment {
  const extraction = new StatementExtraction(statement, inError);
  try {
    extraction.run(Infinity);
  } finally {
    extraction.dispose();
  }
  return extraction.fragment;
}

/** Nodes walked between two looks at the clock (a look costs about as much as a node). */
const NODES_PER_CLOCK_CHECK = 256;

/**
 * The facts of one statement, walked in slices: `run(deadline)` stops at
 * the deadline and the next call goes on from there. A statement of 50,000
 * nested `$( )` takes longer to walk than a keystroke may block the server
 * (the walk costs wasm calls per node), so its walk is spread over several
 * turns of the event loop. The statement's tree must live until `dispose()`.
 */
export class StatementExtraction {
  readonly fragment = emptyFragment();
  private cursor: TreeCursor | undefined;
  private readonly extractor: Extractor;
  private finished = false;

  /** `describeErrors` false: the document has more syntax errors before this statement than are reported; count them only. */
  constructor(statement: Node, inError = false, describeErrors = true) {
    this.cursor = statement.walk();
    this.extractor = new Extractor(this.fragment, inError, statement.hasError, typeTableOf(statement.tree.language), describeErrors);
  }

  get done(): boolean {
    return this.finished;
  }

  /** Walk on until the statement is done (true) or `deadline` (performance.now()) has passed (false). */
  run(deadline: number): boolean {
    if (this.finished || !this.cursor) return this.finished;
    this.finished = this.extractor.walk(this.cursor, deadline);
    if (this.finished) this.dispose();
    return this.finished;
  }

  /** Free the cursor (before the tree is deleted; a finished walk has freed it already). */
  dispose(): void {
    this.cursor?.delete();
    this.cursor = undefined;
  }
}

class Extractor {
  private readonly stack: Frame[];
  /** Node type at each depth of the current path (parent lookups without wasm calls); the walk starts below the program. */
  private readonly types: string[] = ['program'];
  /** Depth of the cursor's node below the program node; the walk resumes there. */
  private depth = 1;
  /** Nodes visited since the last look at the clock. */
  private sinceClockCheck = 0;

  constructor(
    private readonly facts: FactsFragment,
    inError: boolean,
    /** MISSING nodes only exist below a node with errors: skip the per-node check otherwise. */
    private readonly mayHaveMissing: boolean,
    private readonly typeTable: TypeTable,
    /** Describing an error costs a walk of its node: 50,000 of them took seconds, and only the first 100 are reported. */
    private readonly describeErrors = true,
  ) {
    // Every field present from the start keeps one object shape (context pushes are frequent).
    const root: Context = { fn: null, conditional: false, loop: false, subshell: false, quoted: false, inError, declaration: undefined };
    this.stack = [{ depth: -1, ctx: root }];
  }

  private get ctx(): Context {
    return this.stack[this.stack.length - 1].ctx;
  }

  /**
   * Visits the cursor's node and everything after it in the statement.
   * Returns true when the statement is done, false when `deadline` passed
   * first: the cursor then stands on the next node to visit, where the next
   * call goes on.
   */
  walk(cursor: TreeCursor, deadline: number): boolean {
    const { names, named } = this.typeTable;
    let depth = this.depth;
    for (;;) {
      if (++this.sinceClockCheck >= NODES_PER_CLOCK_CHECK) {
        this.sinceClockCheck = 0;
        if (performance.now() > deadline) {
          this.depth = depth;
          return false;
        }
      }
      const id = cursor.nodeTypeId;
      const type = names[id] ?? 'ERROR';
      this.types[depth] = type;
      const descend = this.visit(cursor, depth, type, named[id] ?? true);
      if (descend && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      for (;;) {
        while (this.stack[this.stack.length - 1].depth >= depth) this.stack.pop();
        if (depth === 1) return true;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
        depth--;
      }
    }
  }

  private push(depth: number, change: Partial<Context>): void {
    this.stack.push({ depth, ctx: { ...this.ctx, ...change } });
  }

  /** Records facts for the cursor's node; returns whether to walk into its children. */
  private visit(cursor: TreeCursor, depth: number, type: string, isNamed: boolean): boolean {
    if (this.mayHaveMissing && cursor.nodeIsMissing) {
      this.addSyntaxError(() => describeMissing(cursor.currentNode));
      return false;
    }
    if (!isNamed) return false;
    const blockKind = BLOCK_KIND[type];
    const isFunctionBody = type === 'compound_statement' && this.types[depth - 1] === 'function_definition';
    if (blockKind && !isFunctionBody && cursor.endPosition.row > cursor.startPosition.row) {
      this.facts.blocks.push({ kind: blockKind, range: cursorRange(cursor) });
    }
    switch (type) {
      case 'comment':
        this.facts.comments.push({ text: cursor.nodeText, range: cursorRange(cursor) });
        return false;
      case 'ERROR':
        this.addSyntaxError(() => describeError(cursor.currentNode));
        this.push(depth, { inError: true });
        return true;
      case 'function_definition':
        this.visitFunction(cursor.currentNode, depth);
        return true;
      case 'variable_assignment':
        this.visitAssignment(cursor.currentNode, depth);
        return true;
      case 'declaration_command':
        this.visitDeclaration(cursor.currentNode, depth);
        return true;
      case 'command':
        this.visitCommand(cursor.currentNode);
        return true;
      case 'simple_expansion':
      case 'expansion':
        this.visitExpansion(cursor.currentNode, type === 'expansion');
        return true;
      case 'variable_name':
        this.visitVariableName(cursor, depth);
        return false;
      case 'word':
      case 'string_content':
      case 'heredoc_content':
      case 'number':
      case 'raw_string':
        return false;
    }
    if (CONDITIONAL_TYPES.has(type)) this.push(depth, { conditional: true });
    else if (LOOP_TYPES.has(type)) this.push(depth, { loop: true });
    else if (SUBSHELL_TYPES.has(type)) this.push(depth, { subshell: true });
    else if (QUOTED_TYPES.has(type)) this.push(depth, { quoted: true });
    return true;
  }

  private addSyntaxError(describe: () => DocumentFacts['syntaxErrors'][number]): void {
    if (!this.describeErrors) {
      this.facts.syntaxErrorsSkipped = (this.facts.syntaxErrorsSkipped ?? 0) + 1;
      return;
    }
    // Binary garbage can produce thousands; the merge reports the truncation.
    if (this.facts.syntaxErrors.length <= MAX_SYNTAX_ERRORS) this.facts.syntaxErrors.push(describe());
  }

  private visitFunction(node: Node, depth: number): void {
    const nameNode = node.childForFieldName('name');
    const body = node.childForFieldName('body');
    if (!nameNode) return;
    const ctx = this.ctx;
    const name = nameNode.text;
    this.facts.functions.push({
      name,
      nameRange: rangeOf(nameNode),
      range: rangeOf(node),
      bodyRange: body ? rangeOf(body) : rangeOf(node),
      keyword: node.child(0)?.type === 'function',
      function: ctx.fn,
      conditional: ctx.conditional || ctx.loop || ctx.subshell,
    });
    this.push(depth, { fn: name, conditional: false, loop: false, subshell: false, declaration: undefined });
  }

  private visitDeclaration(node: Node, depth: number): void {
    const keyword = node.child(0)?.type ?? '';
    if (!DECLARATION_KEYWORDS.has(keyword)) return;
    const flags: string[] = [];
    for (const child of node.namedChildren) {
      if (child?.type === 'word' && /^[-+]/.test(child.text)) flags.push(child.text);
    }
    this.push(depth, { declaration: { keyword: keyword as DeclarationKeyword, flags, statement: node } });
  }

  private contextReasons(): UnknownReason[] {
    const ctx = this.ctx;
    const reasons: UnknownReason[] = [];
    if (ctx.fn !== null) reasons.push('function');
    if (ctx.conditional) reasons.push('conditional');
    if (ctx.loop) reasons.push('loop');
    if (ctx.subshell) reasons.push('subshell');
    return reasons;
  }

  private visitAssignment(node: Node, depth: number): void {
    const nameNode = node.childForFieldName('name');
    if (!nameNode) return;
    const parentType = this.types[depth - 1];
    const declaration = parentType === 'declaration_command' ? this.ctx.declaration : undefined;
    const isPrefix = parentType === 'command';
    const reasons = this.contextReasons();
    let name = nameNode.text;
    let subscript: string | undefined;
    if (nameNode.type === 'subscript') {
      name = nameNode.childForFieldName('name')?.text ?? name;
      subscript = nameNode.childForFieldName('index')?.text ?? '';
      reasons.push('subscript');
    }
    const operatorText = node.child(1)?.type;
    const operator = operatorText === '+=' ? '+=' : '=';
    if (operator === '+=') reasons.push('append');
    if (isPrefix) reasons.push('command-prefix');
    const flags = declaration?.flags ?? [];
    if (flags.some((f) => f.startsWith('-') && VALUE_CHANGING_FLAGS.test(f))) reasons.push('declaration-flags');

    const valueNode = node.childForFieldName('value');
    const assignment: AssignmentFact = {
      name,
      nameRange: rangeOf(subscript !== undefined ? (nameNode.childForFieldName('name') ?? nameNode) : nameNode),
      range: rangeOf(node),
      statementRange: rangeOf(declaration?.statement ?? node),
      kind: valueNode?.type === 'array' || subscript !== undefined || flags.some((f) => /^-\w*[aA]/.test(f)) ? 'array' : 'scalar',
      form: declaration ? 'declaration' : isPrefix ? 'command-prefix' : 'plain',
      operator,
      declarationFlags: flags,
      function: this.ctx.fn,
      unknown: reasons,
    };
    if (declaration) assignment.declaration = declaration.keyword;
    if (subscript !== undefined) assignment.subscript = subscript;
    if (valueNode?.type === 'array') {
      assignment.valueRange = rangeOf(valueNode);
      assignment.elements = arrayElements(valueNode);
      for (const e of assignment.elements) reasons.push(...e.unknown);
    } else if (valueNode) {
      assignment.valueRange = rangeOf(valueNode);
      assignment.value = evaluateWord(valueNode);
      reasons.push(...assignment.value.unknown);
    } else {
      // `x=` assigns the empty string.
      const end = rangeOf(node).end;
      assignment.valueRange = { start: end, end };
      assignment.value = { text: '', range: { start: end, end }, value: '', singleWord: true, unknown: [] };
    }
    assignment.unknown = [...new Set(reasons)];
    this.facts.assignments.push(assignment);
  }

  /** Bare names: `local x`, `declare -a x`, `export X`, `for x in ...`. */
  private visitVariableName(cursor: TreeCursor, depth: number): void {
    const parentType = this.types[depth - 1];
    const ctx = this.ctx;
    if (ARITHMETIC_PARENTS.has(parentType) || (parentType === 'compound_statement' && this.isArithmeticCommand(cursor))) {
      const range = cursorRange(cursor);
      this.facts.references.push({
        name: cursor.nodeText,
        range,
        expansionRange: range,
        form: 'arithmetic',
        guarded: false,
        assigns: false,
        quoted: ctx.quoted,
        function: ctx.fn,
      });
      return;
    }
    if (parentType === 'declaration_command' && ctx.declaration) {
      const range = cursorRange(cursor);
      const flags = ctx.declaration.flags;
      this.facts.assignments.push({
        name: cursor.nodeText,
        nameRange: range,
        range,
        statementRange: rangeOf(ctx.declaration.statement),
        kind: flags.some((f) => /^-\w*[aA]/.test(f)) ? 'array' : 'scalar',
        form: 'declaration',
        operator: 'none',
        declaration: ctx.declaration.keyword,
        declarationFlags: flags,
        function: ctx.fn,
        unknown: [...this.contextReasons(), 'no-value'],
      });
      return;
    }
    if (parentType === 'for_statement' || parentType === 'select_statement') {
      const range = cursorRange(cursor);
      this.facts.assignments.push({
        name: cursor.nodeText,
        nameRange: range,
        range,
        statementRange: range,
        kind: 'scalar',
        form: 'for-variable',
        operator: '=',
        declarationFlags: [],
        function: ctx.fn,
        unknown: [...new Set<UnknownReason>([...this.contextReasons(), 'loop'])],
      });
    }
  }

  /** `(( x++ ))` parses as a compound_statement holding arithmetic. */
  private isArithmeticCommand(cursor: TreeCursor): boolean {
    const parent = cursor.currentNode.parent;
    return parent?.child(0)?.type === '((';
  }

  private visitExpansion(node: Node, braced: boolean): void {
    let nameNode: Node | null = null;
    let guarded = false;
    let assigns = false;
    for (const child of node.children) {
      if (!child) continue;
      if (!nameNode && (child.type === 'variable_name' || child.type === 'special_variable_name')) nameNode = child;
      else if (!nameNode && child.type === 'subscript') nameNode = child.childForFieldName('name');
      else if (nameNode && !child.isNamed && GUARD_OPERATORS.has(child.type)) {
        guarded = true;
        assigns ||= ASSIGNING_OPERATORS.has(child.type);
      }
    }
    if (!nameNode || nameNode.type !== 'variable_name') return;
    this.facts.references.push({
      name: nameNode.text,
      range: rangeOf(nameNode),
      expansionRange: rangeOf(node),
      form: braced ? 'braced' : 'simple',
      guarded,
      assigns,
      quoted: this.ctx.quoted,
      function: this.ctx.fn,
    });
  }

  private visitCommand(node: Node): void {
    const nameField = node.childForFieldName('name');
    const word = nameField?.firstNamedChild;
    if (!nameField || !word) return;
    const evaluated = evaluateWord(word);
    if (evaluated.value === undefined) return;
    if (!this.ctx.inError && word.type === 'word' && CLOSING_WORDS.has(word.text) && node.namedChildCount === 1) {
      this.addSyntaxError(() => describeStrayWord(word));
      return;
    }
    const ctx = this.ctx;
    const args = node
      .childrenForFieldName('argument')
      .filter((n): n is Node => n !== null)
      .map(evaluateWord);
    const range = rangeOf(node);
    const name = evaluated.value;
    this.facts.commands.push({
      name,
      nameRange: rangeOf(nameField),
      range,
      args,
      function: ctx.fn,
      conditional: ctx.conditional || ctx.loop,
    });
    const conditional = ctx.conditional || ctx.loop;
    if (name === 'source' || name === '.') {
      const source: DocumentFacts['sources'][number] = { kind: 'source', range, function: ctx.fn, conditional };
      if (args[0]) source.argument = args[0];
      if (args[0]?.value !== undefined) source.path = args[0].value;
      this.facts.sources.push(source);
    } else if (name === 'eval') {
      this.facts.sources.push({ kind: 'eval', range, function: ctx.fn, conditional });
    }
  }
}

function cursorRange(cursor: TreeCursor): Range {
  const s = cursor.startPosition;
  const e = cursor.endPosition;
  return { start: { line: s.row, character: s.column }, end: { line: e.row, character: e.column } };
}

function arrayElements(array: Node): ArrayElementFact[] {
  const elements: ArrayElementFact[] = [];
  for (const child of array.namedChildren) {
    if (!child || child.type === 'comment') continue;
    const element: ArrayElementFact = evaluateWord(child);
    const indexed = /^\[([^\]]*)\]=/.exec(child.text);
    if (indexed) {
      element.index = indexed[1];
      delete element.value;
      element.unknown = [...element.unknown, 'subscript'];
    }
    elements.push(element);
  }
  return elements;
}
