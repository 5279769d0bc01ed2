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

function evaluateString(node: Node): Evaluated {
  let value = '';
  let tail = '';
  let isKnown = true;
  let singleWord = true;
  const unknown: UnknownReason[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'string_content') {
      const literal = child.text.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c));
      value += literal;
      tail += literal;
      continue;
    }
    const part = evaluate(child, true);
    if (!part.singleWord) singleWord = false;
    if (part.value === undefined || part.unknown.length > 0) {
      isKnown = false;
      unknown.push(...part.unknown);
      tail = part.tail;
    } else {
      value += part.value;
      tail += part.value;
    }
  }
  // An empty "" has no named children; the literal between the quotes is then "".
  return { value: isKnown ? value : undefined, tail, singleWord, unknown };
}

function evaluateConcatenation(node: Node, quoted: boolean): Evaluated {
  let value = '';
  let tail = '';
  let isKnown = true;
  let singleWord = true;
  const unknown: UnknownReason[] = [];
  let unquotedLiteral = '';
  for (const child of node.children) {
    if (!child) continue;
    const part = evaluate(child, quoted);
    if (child.type === 'word') unquotedLiteral += child.text;
    else unquotedLiteral += '\u0000';
    if (!part.singleWord) singleWord = false;
    if (part.value === undefined || part.unknown.length > 0) {
      isKnown = false;
      unknown.push(...part.unknown);
      tail = part.tail;
    } else {
      value += part.value;
      tail += part.value;
    }
  }
  // tree-sitter splits `{a,b}` into several words; detect the brace expansion on the joined text.
  if (!quoted && /\{[^{}\u0000]*(,|\.\.)[^{}\u0000]*\}/.test(unquotedLiteral)) {
    return { tail: '', singleWord: false, unknown: [...unknown, 'brace-expansion'] };
  }
  return { value: isKnown ? value : undefined, tail, singleWord, unknown };
}
