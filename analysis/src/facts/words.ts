/**
 * Static evaluation of one shell word from its syntax node: the value after
 * quote removal when it is certain, otherwise why it is not.
 */
import type { Node } from 'web-tree-sitter';
import type { Range, UnknownReason, WordFact } from './model';

export function rangeOf(node: Node): Range {
  const s = node.startPosition;
  const e = node.endPosition;
  return { start: { line: s.row, character: s.column }, end: { line: e.row, character: e.column } };
}

interface Evaluated {
  /** Known value; undefined when unknown. */
  value?: string;
  /** Literal text after the last dynamic part. */
  tail: string;
  singleWord: boolean;
  unknown: UnknownReason[];
}

export function evaluateWord(node: Node): WordFact {
  const e = evaluate(node, false);
  const fact: WordFact = { text: node.text, range: rangeOf(node), singleWord: e.singleWord, unknown: dedupe(e.unknown) };
  if (e.value !== undefined && e.unknown.length === 0) fact.value = e.value;
  else fact.literalSuffix = e.tail;
  return fact;
}

function dedupe(reasons: UnknownReason[]): UnknownReason[] {
  return [...new Set(reasons)];
}

const known = (value: string): Evaluated => ({ value, tail: value, singleWord: true, unknown: [] });
const dynamic = (reason: UnknownReason, singleWord: boolean): Evaluated => ({ tail: '', singleWord, unknown: [reason] });

/** Multi-word forms inside quotes: "$@", "${a[@]}", "${!a[@]}". */
function expandsToManyWords(node: Node): boolean {
  return /^\$\{?!?[A-Za-z_0-9]*\[@\]|^\$\{?@/.test(node.text);
}

function evaluate(node: Node, quoted: boolean): Evaluated {
  switch (node.type) {
    case 'word':
      return quoted ? known(node.text) : evaluateUnquotedWord(node.text);
    case 'number':
      return known(node.text);
    case 'raw_string':
      return known(node.text.slice(1, -1));
    case 'string':
    case 'translated_string':
      return evaluateString(node);
    case 'ansi_c_string': {
      const body = node.text.slice(2, -1);
      return body.includes('\\') ? dynamic('escape', true) : known(body);
    }
    case 'simple_expansion':
    case 'expansion':
      return dynamic('expansion', quoted && !expandsToManyWords(node));
    case 'command_substitution':
      return dynamic('command-substitution', quoted);
    case 'arithmetic_expansion':
      return dynamic('arithmetic', true);
    case 'process_substitution':
      return dynamic('process-substitution', true);
    case 'brace_expression':
      return dynamic('brace-expansion', false);
    case 'concatenation':
      return evaluateConcatenation(node, quoted);
    default:
      return dynamic('other', false);
  }
}

const GLOB = /(^|[^\\])[*?[]/;

function evaluateUnquotedWord(text: string): Evaluated {
  if (text.startsWith('~')) return dynamic('tilde', true);
  if (GLOB.test(text)) return dynamic('glob', false);
  return known(text.replace(/\\(.)/gs, '$1').replace(/\\$/, ''));
}

/** Joins the evaluated parts of one word, left to right. */
class WordParts {
  private value = '';
  private tail = '';
  private isKnown = true;
  private singleWord = true;
  private readonly unknown: UnknownReason[] = [];

  literal(text: string): void {
    this.value += text;
    this.tail += text;
  }

  add(part: Evaluated): void {
    if (!part.singleWord) this.singleWord = false;
    if (part.value === undefined || part.unknown.length > 0) {
      this.isKnown = false;
      this.unknown.push(...part.unknown);
      this.tail = part.tail;
    } else {
      this.literal(part.value);
    }
  }

  result(): Evaluated {
    return { value: this.isKnown ? this.value : undefined, tail: this.tail, singleWord: this.singleWord, unknown: this.unknown };
  }
}

function evaluateString(node: Node): Evaluated {
  const parts = new WordParts();
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'string_content') {
      parts.literal(child.text.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c)));
    } else {
      parts.add(evaluate(child, true));
    }
  }
  // An empty "" has no named children; the literal between the quotes is then "".
  return parts.result();
}

function evaluateConcatenation(node: Node, quoted: boolean): Evaluated {
  const parts = new WordParts();
  let unquotedLiteral = '';
  for (const child of node.children) {
    if (!child) continue;
    parts.add(evaluate(child, quoted));
    unquotedLiteral += child.type === 'word' ? child.text : '\u0000';
  }
  const joined = parts.result();
  // tree-sitter splits `{a,b}` into several words; detect the brace expansion on the joined text.
  if (!quoted && /\{[^{}\u0000]*(,|\.\.)[^{}\u0000]*\}/.test(unquotedLiteral)) {
    return { tail: '', singleWord: false, unknown: [...joined.unknown, 'brace-expansion'] };
  }
  return joined;
}
