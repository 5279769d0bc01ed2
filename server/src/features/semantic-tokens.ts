/**
 * Semantic tokens: makeimg's hooks, the variables it provides, the file
 * arrays and the user's functions by the stage that runs them, so themes can
 * colour what makeimg gives a name a meaning. Token types are LSP's standard
 * `function` and `variable`; the modifiers say the rest (declared in
 * package.json `semanticTokenModifiers`):
 *
 *   hook         do_install / do_postinstall (makeimg calls them)
 *   provided     $src_dir, $img_dir, $img_path (set by makeimg; also readonly + defaultLibrary)
 *   fileArray    preinstall/postinstall_files_src/dst
 *   install      a function that runs in the install stage (do_install or what it calls)
 *   postinstall  a function that runs inside the new image (do_postinstall or what it calls)
 *   declaration  where a function or variable is defined or assigned
 */
import type { SemanticTokensLegend } from 'vscode-languageserver';
import { FILE_ARRAY_PAIRS, findHook, findProvided, HOOKS, type StageName } from '../../../shared/contract';
import { callParents, type DocumentFacts, type Range } from '../../../analysis/src/facts';

export const TOKEN_TYPES = ['function', 'variable'] as const;
export const TOKEN_MODIFIERS = [
  'declaration',
  'readonly',
  'defaultLibrary',
  'hook',
  'provided',
  'fileArray',
  'install',
  'postinstall',
] as const;
export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export interface Token {
  line: number;
  character: number;
  length: number;
  type: number;
  modifiers: number;
}

const FILE_ARRAYS = new Set(FILE_ARRAY_PAIRS.flatMap((p) => [p.src, p.dst]));

function bits(modifiers: readonly TokenModifier[]): number {
  return modifiers.reduce((mask, m) => mask | (1 << TOKEN_MODIFIERS.indexOf(m)), 0);
}

/**
 * The tokens of the document whose own facts are `own`; `combined` (with the
 * files it sources) says which functions exist and which hooks reach them.
 */
export function semanticTokens(own: DocumentFacts, combined: DocumentFacts): Token[] {
  const stageOf = new Map<string, StageName[]>();
  for (const hook of HOOKS) {
    for (const name of callParents(combined, hook.name).keys()) {
      if (name === null) continue;
      stageOf.set(name, [...(stageOf.get(name) ?? []), hook.stage]);
    }
  }
  const defined = new Set(combined.functions.map((f) => f.name));
  const tokens = new Map<string, Token>();
  const add = (range: Range, type: TokenType, modifiers: TokenModifier[]) => {
    // Single-line names only (LSP tokens do not span lines).
    if (range.start.line !== range.end.line || range.end.character <= range.start.character) return;
    const key = `${range.start.line}:${range.start.character}`;
    if (tokens.has(key)) return;
    tokens.set(key, {
      line: range.start.line,
      character: range.start.character,
      length: range.end.character - range.start.character,
      type: TOKEN_TYPES.indexOf(type),
      modifiers: bits(modifiers),
    });
  };
  const functionModifiers = (name: string): TokenModifier[] => {
    const modifiers: TokenModifier[] = findHook(name) ? ['hook'] : [];
    for (const stage of stageOf.get(name) ?? []) if (stage === 'install' || stage === 'postinstall') modifiers.push(stage);
    return modifiers;
  };
  const variableModifiers = (name: string): TokenModifier[] =>
    findProvided(name) ? ['provided', 'readonly', 'defaultLibrary'] : FILE_ARRAYS.has(name) ? ['fileArray'] : [];

  for (const f of own.functions) add(f.nameRange, 'function', ['declaration', ...functionModifiers(f.name)]);
  for (const c of own.commands) {
    if (defined.has(c.name) || findHook(c.name)) add(c.nameRange, 'function', functionModifiers(c.name));
  }
  for (const a of own.assignments) add(a.nameRange, 'variable', ['declaration', ...variableModifiers(a.name)]);
  for (const r of own.references) add(r.range, 'variable', variableModifiers(r.name));
  return [...tokens.values()].sort((a, b) => a.line - b.line || a.character - b.character);
}
