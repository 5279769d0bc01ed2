/**
 * Call hierarchy over image.sh's functions and the files it sources: "Show
 * Call Hierarchy" on a helper shows which hook runs it. Works on the combined
 * facts (analysis/src/sourced); `locate` turns their ranges into places in
 * image.sh or a sourced file. Items carry the image.sh URI in `data`, so the
 * incoming/outgoing requests find the same combined facts.
 */
import { SymbolKind, type CallHierarchyIncomingCall, type CallHierarchyItem, type CallHierarchyOutgoingCall } from 'vscode-languageserver';
import { findHook, IMAGE_FILE_NAME } from '../../../shared/contract';
import {
  callGraph,
  hooksReaching,
  type CommandFact,
  type DocumentFacts,
  type FunctionFact,
  type Position,
  type Range,
} from '../../../analysis/src/facts';
import { symbolAt } from './occurrences';

export interface ItemData {
  /** The image.sh whose combined facts the item belongs to. */
  image: string;
  /** The function (null: the top level of image.sh). */
  name: string | null;
}

/** Where a range of the combined facts is (uri and range in that file). */
export type Locate = (range: Range) => { uri: string; range: Range };

export function prepareCallHierarchy(facts: DocumentFacts, position: Position, image: string, locate: Locate): CallHierarchyItem[] | null {
  const symbol = symbolAt(facts, position);
  if (!symbol || symbol.kind !== 'function') return null;
  const definitions = facts.functions.filter((f) => f.name === symbol.name);
  return definitions.length > 0 ? definitions.map((f) => functionItem(facts, f, image, locate)) : null;
}

export function incomingCalls(facts: DocumentFacts, item: CallHierarchyItem, locate: Locate): CallHierarchyIncomingCall[] {
  const { image, name } = item.data as ItemData;
  if (name === null) return [];
  const byCaller = new Map<string | null, CommandFact[]>();
  for (const call of facts.commands) {
    if (call.name !== name) continue;
    const calls = byCaller.get(call.function) ?? [];
    calls.push(call);
    byCaller.set(call.function, calls);
  }
  const incoming: CallHierarchyIncomingCall[] = [];
  for (const [caller, calls] of byCaller) {
    const definition = caller === null ? undefined : facts.functions.find((f) => f.name === caller);
    const from = definition ? functionItem(facts, definition, image, locate) : topLevelItem(facts, image);
    incoming.push({ from, fromRanges: calls.map((c) => locate(c.nameRange).range) });
  }
  return incoming;
}

export function outgoingCalls(facts: DocumentFacts, item: CallHierarchyItem, locate: Locate): CallHierarchyOutgoingCall[] {
  const { image, name } = item.data as ItemData;
  const defined = new Map(facts.functions.map((f) => [f.name, f]));
  const byCallee = new Map<string, CommandFact[]>();
  // Every call, not only the first per callee (callGraph keeps the first): each call site is a range.
  if (!callGraph(facts).has(name)) return [];
  for (const call of facts.commands) {
    if (call.function !== name || !defined.has(call.name)) continue;
    const calls = byCallee.get(call.name) ?? [];
    calls.push(call);
    byCallee.set(call.name, calls);
  }
  return [...byCallee].map(([callee, calls]) => ({
    to: functionItem(facts, defined.get(callee)!, image, locate),
    fromRanges: calls.map((c) => locate(c.nameRange).range),
  }));
}

function functionItem(facts: DocumentFacts, f: FunctionFact, image: string, locate: Locate): CallHierarchyItem {
  const where = locate(f.range);
  const hook = findHook(f.name);
  const runBy = hooksReaching(facts, f.name).map((h) => h.name);
  const data: ItemData = { image, name: f.name };
  return {
    name: f.name,
    kind: SymbolKind.Function,
    detail: hook ? `makeimg hook (${hook.stage})` : runBy.length > 0 ? `run by ${runBy.join(', ')}` : 'not run by a hook',
    uri: where.uri,
    range: where.range,
    selectionRange: locate(f.nameRange).range,
    data,
  };
}

function topLevelItem(facts: DocumentFacts, image: string): CallHierarchyItem {
  const range: Range = { start: { line: 0, character: 0 }, end: { line: Math.max(0, facts.lineCount - 1), character: 0 } };
  const data: ItemData = { image, name: null };
  return {
    name: `${IMAGE_FILE_NAME} (top level)`,
    kind: SymbolKind.File,
    uri: image,
    range,
    selectionRange: { start: range.start, end: range.start },
    data,
  };
}
