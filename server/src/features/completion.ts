/**
 * Completion, by what the cursor is in: `$`-variables (the provided ones
 * only where they exist), suffixes after `img_name=`, files next to image.sh
 * inside a `*_files_src` array, and at command position the contract's names
 * (top level: snippets for hooks and array pairs) and the user's functions.
 */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type MarkupContent, type Range } from 'vscode-languageserver';
import {
  ARCHIVE_SUFFIX_PREFIX,
  FILE_ARRAY_PAIRS,
  HOOKS,
  IMAGE_SUFFIXES,
  IMG_NAME,
  PROVIDED_VARIABLES,
  VARIABLES,
  findProvided,
  findVariable,
  type HookSpec,
  type VariableSpec,
} from '../../../shared/contract';
import { escapeSnippet } from '../../../shared/snippet-syntax';
import { hooksReaching, type AssignmentFact, type DocumentFacts, type Position } from '../../../analysis/src/facts';
import { placeText } from '../../../analysis/src/sourced';
import { isLocalDeclaration } from './occurrences';
import { strictlyInside } from './positions';
import { enclosingFunction } from './enclosing-function';

export interface CompletionRequest {
  facts: DocumentFacts;
  position: Position;
  /** The cursor's line up to the cursor. */
  linePrefix: string;
  /** The directory of image.sh on disk ($src_dir); without it, no file paths are offered. */
  directory?: string;
}

/** Enough for any real project directory; a huge one must not flood the editor. */
const MAX_PATH_ITEMS = 500;

/** Characters a client should send completion requests on. */
export const COMPLETION_TRIGGERS = ['$', '{', '=', '.', '/', '('];

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
// An escaped `\$` is a literal dollar sign.
const VARIABLE_PREFIX = new RegExp(`(?<!\\\\)\\$\\{?(${NAME})?$`);
const IMG_NAME_PREFIX = new RegExp(`^\\s*(?:(?:export|readonly|declare|typeset)(?:\\s+-\\w+)*\\s+)?${IMG_NAME}=(["']?)([^"'\\s;&|]*)$`);
const SRC_NAMES = FILE_ARRAY_PAIRS.map((p) => p.src);
const SRC_ARRAY_PREFIX = new RegExp(`(?:^|[\\s;])(${SRC_NAMES.join('|')})=\\(([^)]*)$`);
const COMMAND_PREFIX = /(?:^|[;&|]\s*|\$\(\s*|`\s*|\b(?:then|do|else|if|elif|while|until)\s+)\s*([A-Za-z_][\w-]*)?$/;
const LINE_START = /^\s*([A-Za-z_][\w-]*)?$/;

export function complete(request: CompletionRequest): CompletionItem[] {
  const { facts, position, linePrefix } = request;
  // A comment runs to the end of its line: after its '#' nothing is code.
  if (facts.comments.some((c) => c.range.start.line === position.line && c.range.start.character < position.character)) return [];
  const variable = VARIABLE_PREFIX.exec(linePrefix);
  if (variable) return variableItems(facts, position, variable[1] ?? '');
  const imageName = IMG_NAME_PREFIX.exec(linePrefix);
  if (imageName) return suffixItems(position, imageName[2]);
  if (insideSourceArray(facts, position, linePrefix)) return request.directory ? pathItems(request.directory, position, linePrefix) : [];
  if (facts.assignments.some((a) => a.elements && a.valueRange && strictlyInside(a.valueRange, position))) return [];
  if (facts.blocks.some((b) => b.kind === 'heredoc' && strictlyInside(b.range, position))) return [];
  const command = COMMAND_PREFIX.exec(linePrefix);
  if (!command) return [];
  const word = command[1] ?? '';
  const range = replacing(position, word.length);
  const here = enclosingFunction(facts, position);
  const items = functionItems(facts, range);
  if (!here && LINE_START.test(linePrefix)) items.unshift(...contractItems(facts, range));
  return items;
}

/** The range of the `length` characters before the cursor. */
function replacing(position: Position, length: number): Range {
  return { start: { line: position.line, character: position.character - length }, end: position };
}

function markdown(...parts: string[]): MarkupContent {
  return { kind: 'markdown', value: parts.filter((p) => p !== '').join('\n\n') };
}

const fence = (code: string): string => '```sh\n' + code + '\n```';

// ---- $variables ---------------------------------------------------------

function variableItems(facts: DocumentFacts, position: Position, typed: string): CompletionItem[] {
  const range = replacing(position, typed.length);
  const here = enclosingFunction(facts, position)?.name ?? null;
  const locals = new Map<string, Set<string>>();
  for (const a of facts.assignments) {
    if (isLocalDeclaration(a)) locals.set(a.name, (locals.get(a.name) ?? new Set()).add(a.function as string));
  }
  const firstAssignment = new Map<string, AssignmentFact>();
  for (const a of facts.assignments) {
    if (firstAssignment.has(a.name) || findProvided(a.name)) continue;
    // A local of another function is not visible here.
    if (a.function !== null && a.function !== here && locals.get(a.name)?.has(a.function)) continue;
    firstAssignment.set(a.name, a);
  }
  const items: CompletionItem[] = [];
  for (const [name, a] of firstAssignment) {
    const contract = findVariable(name);
    items.push({
      label: name,
      kind: CompletionItemKind.Variable,
      detail: contract ? contract.summary : `${a.kind === 'array' ? 'array' : 'variable'}, ${placeText(facts, a.nameRange, position.line)}`,
      documentation: contract ? markdown(contract.doc) : a.comment ? markdown(a.comment.text) : undefined,
      textEdit: { range, newText: name },
      sortText: `1_${name}`,
    });
  }
  const runsWhere = new Set(hooksReaching(facts, here).map((h) => h.runsIn));
  for (const p of PROVIDED_VARIABLES) {
    // Inside do_postinstall (and what it calls) the provided variables do not exist.
    if ([...runsWhere].some((place) => !p.availableIn.includes(place))) continue;
    items.push({
      label: p.name,
      kind: CompletionItemKind.Variable,
      detail: `${p.summary} (set by makeimg)`,
      documentation: markdown(p.doc),
      textEdit: { range, newText: p.name },
      sortText: `0_${p.name}`,
    });
  }
  return items;
}

// ---- img_name suffixes ----------------------------------------------------

function suffixItems(position: Position, value: string): CompletionItem[] {
  const tar = value.indexOf(ARCHIVE_SUFFIX_PREFIX);
  const lastDot = value.lastIndexOf('.');
  const stem = tar > 0 ? value.slice(0, tar) : lastDot > 0 ? value.slice(0, lastDot) : value.startsWith('.') ? '' : value;
  const typed = value.slice(stem.length);
  const range = replacing(position, stem === '' ? value.length : typed.length);
  return IMAGE_SUFFIXES.map((s, i) => ({
    label: s.suffix,
    kind: CompletionItemKind.EnumMember,
    detail: s.description,
    documentation:
      s.compressors.length > 0 ? markdown(`Compressed with the first of: ${s.compressors.map((c) => `\`${c}\``).join(', ')}`) : undefined,
    // Without a name yet, insert a placeholder name before the suffix.
    textEdit: { range, newText: stem === '' ? `\${1:myimage}${s.suffix}` : s.suffix },
    insertTextFormat: stem === '' ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    filterText: stem === '' ? value : undefined,
    sortText: String(i).padStart(2, '0'),
  }));
}

// ---- files inside *_files_src ----------------------------------------------

function insideSourceArray(facts: DocumentFacts, position: Position, linePrefix: string): boolean {
  const inFacts = facts.assignments.some(
    (a) => SRC_NAMES.includes(a.name) && a.kind === 'array' && a.valueRange && strictlyInside(a.valueRange, position),
  );
  // While typing, the array is often not closed yet and the parser has not made it an assignment.
  return inFacts || SRC_ARRAY_PREFIX.test(linePrefix);
}

function pathItems(directory: string, position: Position, linePrefix: string): CompletionItem[] {
  const token = /(["']?)([^\s"'()]*)$/.exec(linePrefix);
  const quoted = token?.[1] !== '';
  const partial = token?.[2] ?? '';
  // Paths must stay inside $src_dir, and dynamic words cannot be listed.
  if (/[$`\\*?[{]/.test(partial) || partial.startsWith('/') || partial.split('/').includes('..')) return [];
  const slash = partial.lastIndexOf('/');
  const folder = partial.slice(0, slash + 1);
  const base = partial.slice(slash + 1);
  let entries: Dirent[];
  try {
    entries = readdirSync(join(directory, folder), { withFileTypes: true });
  } catch {
    return [];
  }
  const items: CompletionItem[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (items.length >= MAX_PATH_ITEMS) break;
    if (entry.name === '.git' || (entry.name.startsWith('.') && !base.startsWith('.'))) continue;
    const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && isDirectoryPath(join(directory, folder, entry.name)));
    const label = entry.name + (isDirectory ? '/' : '');
    items.push({
      label,
      kind: isDirectory ? CompletionItemKind.Folder : CompletionItemKind.File,
      detail: `${folder}${label}`,
      textEdit: { range: replacing(position, base.length), newText: quoted ? label : shellEscape(label) },
      // Descend right away after picking a folder (clients without this command ignore it).
      command: isDirectory ? { title: 'Suggest', command: 'editor.action.triggerSuggest' } : undefined,
    });
  }
  return items;
}

function isDirectoryPath(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function shellEscape(text: string): string {
  return text.replace(/[^\w@%+=:,./-]/g, (c) => `\\${c}`);
}

// ---- names at command position ----------------------------------------------

function contractItems(facts: DocumentFacts, range: Range): CompletionItem[] {
  const assigned = new Set(facts.assignments.filter((a) => a.function === null).map((a) => a.name));
  const defined = new Set(facts.functions.map((f) => f.name));
  const items: CompletionItem[] = [];
  VARIABLES.forEach((v, i) => {
    if (!assigned.has(v.name)) items.push(variableSnippet(v, assigned, range, i));
  });
  HOOKS.forEach((h, i) => {
    if (!defined.has(h.name)) items.push(hookSnippet(h, range, VARIABLES.length + i));
  });
  return items;
}

function variableSnippet(v: VariableSpec, assigned: Set<string>, range: Range, order: number): CompletionItem {
  const pair = FILE_ARRAY_PAIRS.find((p) => p.src === v.name);
  let body: string;
  let detail = v.summary;
  if (v.name === IMG_NAME) {
    body = `${v.name}=\${1:myimage}\${2|${IMAGE_SUFFIXES.map((s) => s.suffix).join(',')}|}`;
  } else if (pair && !assigned.has(pair.dst)) {
    body = `${pair.src}=(\${1})\n${pair.dst}=(\${2})`;
    detail = `${v.summary} (with ${pair.dst})`;
  } else {
    body = v.kind === 'array' ? `${v.name}=(\${1})` : `${v.name}=\${1}`;
  }
  return {
    label: v.name,
    kind: CompletionItemKind.Variable,
    detail,
    documentation: markdown(v.doc, fence(v.example)),
    textEdit: { range, newText: body },
    insertTextFormat: InsertTextFormat.Snippet,
    sortText: `0_${String(order).padStart(2, '0')}`,
  };
}

function hookSnippet(h: HookSpec, range: Range, order: number): CompletionItem {
  const skeleton = h.skeleton.map(escapeSnippet).join('\n\t');
  return {
    label: h.name,
    kind: CompletionItemKind.Function,
    detail: h.summary,
    documentation: markdown(h.doc),
    textEdit: { range, newText: `${h.name}()\n{\n\t\${1:${skeleton}}\n}` },
    insertTextFormat: InsertTextFormat.Snippet,
    sortText: `0_${String(order).padStart(2, '0')}`,
  };
}

function functionItems(facts: DocumentFacts, range: Range): CompletionItem[] {
  const hooks = new Set(HOOKS.map((h) => h.name));
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const f of facts.functions) {
    if (hooks.has(f.name) || seen.has(f.name)) continue;
    seen.add(f.name);
    items.push({
      label: f.name,
      kind: CompletionItemKind.Function,
      detail: `function, ${placeText(facts, f.nameRange, range.start.line)}`,
      documentation: f.comment ? markdown(f.comment.text) : undefined,
      textEdit: { range, newText: f.name },
      sortText: `1_${f.name}`,
    });
  }
  return items;
}
