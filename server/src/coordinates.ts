/**
 * The one place where facts positions become LSP positions. The facts count
 * lines by '\n' only (as bash and tree-sitter do); LSP also breaks lines at
 * a lone '\r'. For a text with a lone '\r' the facts are copied once per
 * document version with every position converted, so features, rules and
 * code actions work in LSP coordinates only and none can forget to convert.
 * Texts without a lone '\r' (nearly all) are returned as they are.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentFacts, Position } from '../../analysis/src/facts';
import { pointAt, rowStarts } from '../../analysis/src/parser';

/** Whether LSP and the facts count lines differently in `text`. */
export function hasLoneCarriageReturn(text: string): boolean {
  return /\r(?!\n)/.test(text);
}

/** `facts` of `text` in LSP coordinates (the same object when no conversion is needed). */
export function inLspCoordinates(facts: DocumentFacts, text: string): DocumentFacts {
  if (!hasLoneCarriageReturn(text)) return facts;
  const starts = rowStarts(text);
  const lsp = TextDocument.create('', '', 0, text);
  const convert = (p: Position): Position => lsp.positionAt((starts[p.line] ?? Number.MAX_SAFE_INTEGER) + p.character);
  // The script's line of each editor line, so messages still name the lines bash would.
  const scriptLines = Array.from({ length: lsp.lineCount }, (_, line) => pointAt(starts, lsp.offsetAt({ line, character: 0 })).row);
  return { ...mapPositions(facts, convert, new Map()), lineCount: lsp.lineCount, scriptLines };
}

/** The lines of `text` as LSP counts them (broken at '\r\n', '\r' and '\n'), without their breaks. */
export function lspLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** A deep copy of plain data with every `{line, character}` converted; shared objects stay shared. */
function mapPositions<T>(value: T, convert: (p: Position) => Position, copies: Map<object, unknown>): T {
  if (typeof value !== 'object' || value === null) return value;
  const known = copies.get(value);
  if (known !== undefined) return known as T;
  let copy: unknown;
  if (Array.isArray(value)) {
    const array: unknown[] = [];
    copies.set(value, array);
    for (const item of value) array.push(mapPositions(item, convert, copies));
    copy = array;
  } else if (isPosition(value)) {
    copy = convert(value);
    copies.set(value, copy);
  } else {
    const object: Record<string, unknown> = {};
    copies.set(value, object);
    for (const [key, item] of Object.entries(value)) object[key] = mapPositions(item, convert, copies);
    copy = object;
  }
  return copy as T;
}

function isPosition(value: object): value is Position {
  const keys = Object.keys(value);
  return keys.length === 2 && typeof (value as Position).line === 'number' && typeof (value as Position).character === 'number';
}
