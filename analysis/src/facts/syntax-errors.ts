/**
 * Readable messages for tree-sitter's ERROR and MISSING nodes.
 */
import type { Node } from 'web-tree-sitter';
import type { SyntaxErrorFact } from './model';
import { typeTableOf } from './type-table';
import { rangeOf } from './words';

/** Openers and the token that closes them. */
const CLOSER_OF: Record<string, string> = {
  if: 'fi',
  case: 'esac',
  for: 'done',
  while: 'done',
  until: 'done',
  select: 'done',
  do: 'done',
  '{': '}',
  '(': ')',
  '((': '))',
  '$(': ')',
  '$((': '))',
  '${': '}',
  '[[': ']]',
  '[': ']',
  '"': '"',
  "'": "'",
  '`': '`',
};

/** Node types whose first token opens what a MISSING token closes. */
const CONSTRUCT_NAME: Record<string, string> = {
  if_statement: '"if"',
  case_statement: '"case"',
  for_statement: '"for" loop',
  c_style_for_statement: '"for" loop',
  while_statement: 'loop',
  do_group: '"do"',
  compound_statement: '"{"',
  subshell: '"("',
  command_substitution: '"$("',
  expansion: '"${"',
  string: 'string',
  test_command: 'test',
  function_definition: 'function',
  array: 'array',
};

const UNEXPECTED_CLOSERS = new Set(['fi', 'done', 'esac', '}', ')', 'then', 'else', 'elif', 'do', ';;', 'in', ']]', '))']);

/** `"fi"`, or for quotes `the closing quote (")`: a quote inside quotes reads badly. */
function closingText(closer: string): string {
  return ['"', "'", '`'].includes(closer) ? `the closing quote (${closer})` : `"${closer}"`;
}

function quoteToken(text: string): string {
  const oneLine = text.split('\n')[0];
  const printable = oneLine.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
  const short = printable.length > 30 ? printable.slice(0, 30) + '...' : printable;
  return JSON.stringify(short);
}

function firstLeaf(node: Node): Node {
  let current = node;
  for (let depth = 0; depth < 64 && current.childCount > 0; depth++) {
    const child = current.child(0);
    if (!child) break;
    current = child;
  }
  return current;
}

export function describeMissing(node: Node): SyntaxErrorFact {
  const token = node.type;
  const parent = node.parent;
  // `...` is a command_substitution too, but it is not opened by "$(".
  const construct =
    parent?.type === 'command_substitution' && parent.text.startsWith('`') ? '"`"' : parent ? CONSTRUCT_NAME[parent.type] : undefined;
  const what = node.isNamed
    ? `a ${token.replace(/_/g, ' ')}`
    : ['"', "'", '`'].includes(token)
      ? `the closing quote (${token})`
      : `"${token}"`;
  if (parent && construct) {
    const line = parent.startPosition.row + 1;
    return {
      kind: 'missing',
      range: rangeOf(node),
      message: `Syntax error: the ${construct} on line ${line} is not closed; add ${what}.`,
      openerRange: rangeOf(firstLeaf(parent)),
    };
  }
  return { kind: 'missing', range: rangeOf(node), message: `Syntax error: missing ${what}.` };
}

/** Reserved words bash only accepts after their opener; tree-sitter parses them as plain commands otherwise. */
export const CLOSING_WORDS = new Set(['fi', 'done', 'esac', 'then', 'else', 'elif', 'do', '}']);

/** A reserved word used as a command: bash reports "syntax error near unexpected token". */
export function describeStrayWord(word: Node): SyntaxErrorFact {
  return {
    kind: 'error',
    range: rangeOf(word),
    message: `Syntax error: unexpected ${quoteToken(word.text)}: nothing open here to close; remove it or add the matching opener.`,
  };
}

/**
 * The innermost opener among the direct children of an ERROR node that
 * nothing closes, with its token (a reserved word like `do` can come as a
 * whole `command` node, whose type names no token).
 */
function unclosedOpener(node: Node): { node: Node; token: string } | undefined {
  // A cursor, and a Node only for the opener found: an ERROR root can have 100,000 children ('{' of 50,000 nested braces).
  const { names, named } = typeTableOf(node.tree.language);
  const open: { index: number; token: string }[] = [];
  const cursor = node.walk();
  try {
    if (cursor.gotoFirstChild()) {
      let index = 0;
      do {
        const id = cursor.nodeTypeId;
        const type = names[id] ?? 'ERROR';
        const token = (named[id] ?? true) ? (type === 'command' ? cursor.nodeText : '') : type;
        if (CLOSER_OF[token] !== undefined && token !== '"' && token !== "'" && token !== '`') {
          open.push({ index, token });
        } else if (open.length > 0 && CLOSER_OF[open[open.length - 1].token] === token) {
          open.pop();
        }
        index++;
      } while (cursor.gotoNextSibling());
    }
  } finally {
    cursor.delete();
  }
  const last = open[open.length - 1];
  const opener = last && node.child(last.index);
  return opener ? { node: opener, token: last.token } : undefined;
}

export function describeError(node: Node): SyntaxErrorFact {
  const opener = unclosedOpener(node);
  if (opener) {
    const range = rangeOf(opener.node);
    return {
      kind: 'error',
      range,
      message: `Syntax error: "${opener.token}" on line ${opener.node.startPosition.row + 1} is never closed; add "${CLOSER_OF[opener.token]}".`,
      openerRange: range,
    };
  }
  const leaf = firstLeaf(node);
  const token = leaf.text;
  const range = rangeOf(leaf.text.length > 0 ? leaf : node);
  const closer = CLOSER_OF[token];
  if (closer !== undefined && node.childCount > 1) {
    return {
      kind: 'error',
      range,
      message: `Syntax error: ${quoteToken(token)} on line ${leaf.startPosition.row + 1} is never closed; add ${closingText(closer)} or remove it.`,
      openerRange: range,
    };
  }
  if (UNEXPECTED_CLOSERS.has(token)) {
    return {
      kind: 'error',
      range,
      message: `Syntax error: unexpected ${quoteToken(token)}: nothing open here to close; remove it or add the matching opener.`,
    };
  }
  return {
    kind: 'error',
    range,
    message: `Syntax error near ${quoteToken(token || node.text)}: bash cannot parse this; check quotes and brackets.`,
  };
}
