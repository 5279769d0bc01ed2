/**
 * Go to definition, find references, document highlight and rename for
 * variables and functions. Names makeimg reads or sets (the contract's
 * variables and hooks, the provided variables) cannot be renamed: makeimg
 * knows them by name.
 */
import { DocumentHighlightKind, type DocumentHighlight } from 'vscode-languageserver';
import { findHook, findProvided, findVariable, HOOKS, PROVIDED_VARIABLES, VARIABLES } from '../../../shared/contract';
import type { DocumentFacts, Position, Range } from '../../../analysis/src/facts';
import { definitions, occurrences, symbolAt, type SymbolAt } from './occurrences';

export function definition(facts: DocumentFacts, position: Position): Range[] {
  const symbol = symbolAt(facts, position);
  return symbol ? definitions(facts, symbol).map((o) => o.range) : [];
}

export function references(facts: DocumentFacts, position: Position, includeDeclaration: boolean): Range[] {
  const symbol = symbolAt(facts, position);
  if (!symbol) return [];
  return occurrences(facts, symbol)
    .filter((o) => includeDeclaration || o.role === 'read')
    .map((o) => o.range);
}

const HIGHLIGHT_KIND = {
  definition: DocumentHighlightKind.Write,
  write: DocumentHighlightKind.Write,
  read: DocumentHighlightKind.Read,
} as const;

export function documentHighlights(facts: DocumentFacts, position: Position): DocumentHighlight[] {
  const symbol = symbolAt(facts, position);
  if (!symbol) return [];
  return occurrences(facts, symbol).map((o) => ({
    range: o.range,
    kind: symbol.kind === 'function' ? DocumentHighlightKind.Text : HIGHLIGHT_KIND[o.role],
  }));
}

export type RenameCheck = { ok: true; range: Range; placeholder: string } | { ok: false; message: string };
export type RenameResult = { ok: true; edits: { range: Range; newText: string }[] } | { ok: false; message: string };

/** null: nothing renamable at the position. */
export function prepareRename(facts: DocumentFacts, position: Position): RenameCheck | null {
  const symbol = symbolAt(facts, position);
  if (!symbol) return null;
  const refusal = contractNameRefusal(symbol);
  return refusal ? { ok: false, message: refusal } : { ok: true, range: symbol.range, placeholder: symbol.name };
}

export function rename(facts: DocumentFacts, position: Position, newName: string): RenameResult | null {
  const check = prepareRename(facts, position);
  if (!check || !check.ok) return check;
  const symbol = symbolAt(facts, position) as SymbolAt;
  const invalid = invalidNewName(symbol, newName);
  if (invalid) return { ok: false, message: invalid };
  return { ok: true, edits: occurrences(facts, symbol).map((o) => ({ range: o.range, newText: newName })) };
}

function contractNameRefusal(symbol: SymbolAt): string | undefined {
  if (symbol.kind === 'function') {
    const hook = findHook(symbol.name);
    return hook ? `${hook.name} is a makeimg hook: makeimg calls it by this name, so it cannot be renamed.` : undefined;
  }
  if (findVariable(symbol.name)) return `${symbol.name} is read by makeimg by this name, so it cannot be renamed.`;
  if (findProvided(symbol.name)) return `$${symbol.name} is set by makeimg, so it cannot be renamed.`;
  return undefined;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** bash accepts more in function names; these are the characters that need no quoting anywhere. */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

function invalidNewName(symbol: SymbolAt, newName: string): string | undefined {
  const pattern = symbol.kind === 'function' ? FUNCTION_NAME : VARIABLE_NAME;
  if (!pattern.test(newName)) {
    return `"${newName}" is not a valid ${symbol.kind} name: use letters, digits and underscores, not starting with a digit.`;
  }
  if (symbol.kind === 'function' && HOOKS.some((h) => h.name === newName)) {
    return `${newName} is a makeimg hook: renaming ${symbol.name} to it would make makeimg run it.`;
  }
  if (symbol.kind === 'variable' && VARIABLES.some((v) => v.name === newName)) {
    return `${newName} is read by makeimg: renaming ${symbol.name} to it would change the build.`;
  }
  if (symbol.kind === 'variable' && PROVIDED_VARIABLES.some((v) => v.name === newName)) {
    return `$${newName} is set by makeimg and would overwrite ${symbol.name}.`;
  }
  return undefined;
}
