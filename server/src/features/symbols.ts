/**
 * The document outline, grouped by the stage the code belongs to:
 * preinstall files, install, postinstall files, postinstall hook, other.
 * A helper function goes to the first hook (in stage order) that calls it.
 */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { FILE_ARRAY_PAIRS, findHook, findVariable, HOOKS, STAGE_SPECS, STAGES, type StageName } from '../../../shared/contract';
import {
  callParents,
  visibleAssignments,
  type AssignmentFact,
  type DocumentFacts,
  type FunctionFact,
  type Range,
} from '../../../analysis/src/facts';
import { destinationPath, elementText, partnerOf } from './file-pairs';
import { comparePositions, union } from './positions';

interface Group {
  name: string;
  detail: string;
  stage: StageName;
  /** Files are copied before the stage's hook runs. */
  order: number;
  symbols: DocumentSymbol[];
}

const OTHER_GROUP = 'Other';

export function documentSymbols(facts: DocumentFacts): DocumentSymbol[] {
  const stagesWithFiles = new Set<StageName>(FILE_ARRAY_PAIRS.map((p) => p.stage));
  const fileGroups = new Map<StageName, Group>();
  const hookGroups = new Map<string, Group>();
  for (const pair of FILE_ARRAY_PAIRS) {
    const spec = STAGE_SPECS[pair.stage];
    fileGroups.set(pair.stage, {
      name: `${spec.title} files`,
      detail: `${pair.src} -> ${pair.dst}`,
      stage: pair.stage,
      order: 0,
      symbols: [],
    });
  }
  for (const hook of HOOKS) {
    const spec = STAGE_SPECS[hook.stage];
    const name = stagesWithFiles.has(hook.stage) ? `${spec.title} hook` : spec.title;
    hookGroups.set(hook.name, { name, detail: `${hook.name}()`, stage: hook.stage, order: 1, symbols: [] });
  }
  const other: DocumentSymbol[] = [];
  // A stage's group for the contract variables it reads: its hook's group when it has one.
  const variableGroups = new Map<StageName, Group>();
  const stageGroup = (stage: StageName): DocumentSymbol[] => {
    const hook = HOOKS.find((h) => h.stage === stage);
    if (hook) return (hookGroups.get(hook.name) as Group).symbols;
    let group = variableGroups.get(stage);
    if (!group) variableGroups.set(stage, (group = { name: STAGE_SPECS[stage].title, detail: '', stage, order: 2, symbols: [] }));
    return group.symbols;
  };

  const seenVariables = new Set<string>();
  for (const a of visibleAssignments(facts)) {
    if (a.function !== null || a.form === 'for-variable') continue;
    const pair = FILE_ARRAY_PAIRS.find((p) => p.src === a.name || p.dst === a.name);
    if (pair) {
      fileGroups.get(pair.stage)?.symbols.push(arraySymbol(facts, a));
    } else if (!seenVariables.has(a.name)) {
      seenVariables.add(a.name);
      // makeimg's own variables (img_name) belong to the stage that reads them; the script's, to Other.
      const stage = findVariable(a.name)?.stage;
      (stage ? stageGroup(stage) : other).push(variableSymbol(a));
    }
  }

  // Hooks in stage order claim the functions they reach.
  const hooksInOrder = [...HOOKS].sort((x, y) => STAGES.indexOf(x.stage) - STAGES.indexOf(y.stage));
  const reach = new Map(hooksInOrder.map((h) => [h.name, callParents(facts, h.name)]));
  const functionSymbols: { fact: FunctionFact; symbol: DocumentSymbol }[] = [];
  for (const f of facts.functions) {
    const owner = hooksInOrder.find((h) => reach.get(h.name)?.has(f.name));
    const symbol = functionSymbol(facts, f, owner?.name);
    const parent = f.function !== null ? innermostContaining(functionSymbols, f.range) : undefined;
    if (parent) (parent.children ??= []).push(symbol);
    else (owner ? (hookGroups.get(owner.name) as Group).symbols : other).push(symbol);
    functionSymbols.push({ fact: f, symbol });
  }

  const groups = [...fileGroups.values(), ...hookGroups.values(), ...variableGroups.values()]
    .filter((g) => g.symbols.length > 0)
    .sort((x, y) => STAGES.indexOf(x.stage) - STAGES.indexOf(y.stage) || x.order - y.order)
    .map(groupSymbol);
  if (other.length > 0) groups.push(groupSymbol({ name: OTHER_GROUP, detail: '', stage: 'resolve', order: 2, symbols: other }));
  return groups;
}

function groupSymbol(group: Group): DocumentSymbol {
  const children = group.symbols.sort((a, b) => comparePositions(a.range.start, b.range.start));
  return {
    name: group.name,
    detail: group.detail,
    kind: SymbolKind.Namespace,
    range: union(children.map((c) => c.range)),
    selectionRange: children[0].selectionRange,
    children,
  };
}

function innermostContaining(candidates: { fact: FunctionFact; symbol: DocumentSymbol }[], range: Range): DocumentSymbol | undefined {
  let best: DocumentSymbol | undefined;
  for (const { fact, symbol } of candidates) {
    const inside = comparePositions(fact.bodyRange.start, range.start) <= 0 && comparePositions(range.end, fact.bodyRange.end) <= 0;
    if (inside && (!best || comparePositions(symbol.range.start, best.range.start) > 0)) best = symbol;
  }
  return best;
}

function variableSymbol(a: AssignmentFact): DocumentSymbol {
  return {
    name: a.name,
    detail: findVariable(a.name)?.summary ?? (a.value?.value !== undefined ? a.value.value : ''),
    kind: a.kind === 'array' ? SymbolKind.Array : SymbolKind.Variable,
    range: a.statementRange,
    selectionRange: a.nameRange,
  };
}

function arraySymbol(facts: DocumentFacts, a: AssignmentFact): DocumentSymbol {
  const pair = FILE_ARRAY_PAIRS.find((p) => p.src === a.name || p.dst === a.name);
  const elements = a.elements ?? [];
  const children: DocumentSymbol[] = elements.map((e, index) => {
    let detail = '';
    if (pair && a.name === pair.src) {
      const partner = partnerOf(facts, { pair, role: 'src', assignment: a, index });
      detail = partner.kind === 'element' ? `-> ${destinationPath(partner.element)}` : partner.kind === 'unknown' ? '' : 'no destination';
    }
    return { name: elementText(e) || '""', detail, kind: SymbolKind.File, range: e.range, selectionRange: e.range };
  });
  return {
    name: a.name,
    detail: `${elements.length} element${elements.length === 1 ? '' : 's'}`,
    kind: SymbolKind.Array,
    range: a.statementRange,
    selectionRange: a.nameRange,
    children,
  };
}

function functionSymbol(facts: DocumentFacts, f: FunctionFact, owner: string | undefined): DocumentSymbol {
  const hook = findHook(f.name);
  const children: DocumentSymbol[] = [];
  const seen = new Set<string>();
  for (const a of facts.assignments) {
    if (a.function !== f.name || seen.has(a.name) || a.form === 'command-prefix') continue;
    if (comparePositions(a.range.start, f.bodyRange.start) < 0 || comparePositions(f.bodyRange.end, a.range.end) < 0) continue;
    seen.add(a.name);
    children.push(variableSymbol(a));
  }
  return {
    name: f.name,
    detail: hook ? hook.summary : owner ? `called by ${owner}` : '',
    kind: SymbolKind.Function,
    range: f.range,
    selectionRange: f.nameRange,
    children,
  };
}
