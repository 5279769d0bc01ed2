/**
 * Quick fixes for makeimg's diagnostics (and ShellCheck's own fixes).
 *
 * The fix of a diagnostic is not taken from the `data` the client echoes
 * back: the rule is run again on the current facts and the finding at the
 * same range supplies it. A diagnostic from an older version of the text
 * thus gets no fix rather than a wrong edit. Inserted code follows the
 * document's indentation and brace style.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic,
  type Range as LspRange,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { DO_POSTINSTALL, findHook } from '../../../shared/contract';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';
import { visibleAssignments, type DocumentFacts, type Position, type Range } from '../../../analysis/src/facts';
import { checkRule, findRule, type Finding, type FixData, type SourceFiles } from '../../../analysis/src/rules';
import { shellcheckCodeActions } from '../shellcheck';
import { lspLines } from '../coordinates';

export interface CodeActionInput {
  uri: string;
  /** The current text of the document. */
  text: string;
  facts: DocumentFacts;
  /** `params.context.diagnostics`. */
  diagnostics: readonly Diagnostic[];
  /** The image.sh directory on disk and what is in it (file fixes need both). */
  directory?: string;
  files?: SourceFiles;
  /** The client applies `CreateFile` operations in workspace edits. */
  canCreateFiles: boolean;
}

export function codeActions(input: CodeActionInput): CodeAction[] {
  const actions: CodeAction[] = [];
  const fresh = new Map<string, Finding[]>();
  for (const diagnostic of input.diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') continue;
    const finding = currentFinding(input, diagnostic, fresh);
    if (!finding?.data) continue;
    const action = fixFor(input, finding.code, finding.data);
    if (!action) continue;
    // The two diagnostics of one problem (MKIMG004 on both arrays) share one fix.
    const same = actions.find((a) => a.title === action.title);
    // "Add img_name" is not the obvious fix when a misspelled img_name exists: renaming that one is.
    const isPreferred = !(finding.data.kind.startsWith('insert') && finding.related?.length);
    if (same) same.diagnostics?.push(diagnostic);
    else actions.push({ ...action, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred });
  }
  return [...actions, ...shellcheckCodeActions(input.uri, input.diagnostics)];
}

/** The finding the rule reports now at the diagnostic's range (undefined when the diagnostic is stale). */
function currentFinding(input: CodeActionInput, diagnostic: Diagnostic, cache: Map<string, Finding[]>): Finding | undefined {
  const code = diagnostic.code as string;
  let findings = cache.get(code);
  if (!findings) {
    const rule = findRule(code);
    findings = rule ? checkRule(rule, { facts: input.facts, files: input.files }) : [];
    cache.set(code, findings);
  }
  return findings.find((f) => sameRange(f.range, diagnostic.range));
}

type Fix = Pick<CodeAction, 'title' | 'edit'>;

function fixFor(input: CodeActionInput, code: string, data: FixData): Fix | undefined {
  switch (data.kind) {
    case 'replace':
      return replaceFix(input, code, data.range, data.newText);
    case 'insert-assignment':
      return data.after ? insertAfterFix(input, data.text, data.name, data.after) : insertAtTopFix(input, data.text);
    case 'insert-function':
      return insertFunctionFix(input, data.name);
    case 'pair-mismatch':
      return appendPlaceholdersFix(input, data.shorter, data.missing, data.shorter === data.dst ? 'destination' : 'source');
    case 'create-file':
      return createFileFix(input, data.path);
    case 'edits':
      return { title: data.title, edit: editOf(input.uri, data.edits.map((e) => ({ range: e.range, newText: e.newText }))) };
  }
}

function replaceFix(input: CodeActionInput, code: string, range: Range, newText: string): Fix {
  const old = textAt(input.text, range);
  if (code === 'MKIMG008') {
    // A misspelled name: rename every occurrence, as a rename would.
    const edits = occurrencesOf(input.facts, range, old).map((r) => ({ range: r, newText }));
    return { title: `Rename "${old}" to "${newText}"`, edit: editOf(input.uri, edits) };
  }
  const title = code === 'MKIMG006' ? `Write as an array: ${newText}` : `Replace "${old}" with "${newText}"`;
  return { title, edit: editOf(input.uri, [{ range: range, newText }]) };
}

/** The ranges naming the same function (definitions and calls) or the same variable (assignments and expansions). */
function occurrencesOf(facts: DocumentFacts, at: Range, name: string): Range[] {
  const isFunction = facts.functions.some((f) => f.name === name && sameRange(f.nameRange, at));
  const ranges = isFunction
    ? [
        ...facts.functions.filter((f) => f.name === name).map((f) => f.nameRange),
        ...facts.commands.filter((c) => c.name === name).map((c) => c.nameRange),
      ]
    : [
        ...facts.assignments.filter((a) => a.name === name).map((a) => a.nameRange),
        ...facts.references.filter((r) => r.name === name).map((r) => r.range),
      ];
  const unique = new Map(ranges.map((r) => [JSON.stringify(r), r]));
  if (!unique.has(JSON.stringify(at))) unique.set(JSON.stringify(at), at);
  return [...unique.values()];
}

/** A missing array of a pair: on the line after its partner, at the partner's indentation. */
function insertAfterFix(input: CodeActionInput, text: string, name: string, after: Range): Fix {
  const lines = lspLines(input.text);
  const line = lines[after.end.line] ?? '';
  const indent = leadingWhitespace(lines[after.start.line] ?? '');
  const at = { line: after.end.line, character: line.length };
  const count = (text.match(/""/g) ?? []).length;
  return {
    title: `Add ${name} with ${count} placeholder ${count === 1 ? 'entry' : 'entries'}`,
    edit: editOf(input.uri, [{ range: { start: at, end: at }, newText: `\n${indent}${text}` }]),
  };
}

/** A missing img_name: above the first statement (and its comment), below the file's header comment. */
function insertAtTopFix(input: CodeActionInput, text: string): Fix {
  const first = firstStatementLine(input.facts);
  const lines = lspLines(input.text);
  const at: Position = { line: first ?? lines.length, character: 0 };
  let newText = `${text}\n`;
  if (first === undefined) {
    // Nothing but comments (or nothing at all): append after them.
    const last = lines.length - 1;
    const atEnd = { line: last, character: lines[last].length };
    const prefix = input.text === '' || input.text.endsWith('\n') ? '' : '\n';
    return { title: `Add ${text}`, edit: editOf(input.uri, [{ range: { start: atEnd, end: atEnd }, newText: prefix + newText }]) };
  }
  if ((lines[first] ?? '').trim() !== '') newText += '\n';
  return { title: `Add ${text}`, edit: editOf(input.uri, [{ range: { start: at, end: at }, newText }]) };
}

/** The line where the first statement begins, with the comment above it unless that comment heads the file. */
function firstStatementLine(facts: DocumentFacts): number | undefined {
  const above = (statement: Range, comment?: { range: Range }) =>
    comment && comment.range.start.line > 0 ? comment.range.start.line : statement.start.line;
  const starts = [
    ...facts.assignments.filter((a) => a.function === null).map((a) => above(a.statementRange, a.comment)),
    ...facts.functions.filter((f) => f.function === null).map((f) => above(f.range, f.comment)),
    ...facts.commands.filter((c) => c.function === null).map((c) => c.range.start.line),
    ...facts.blocks.filter((b) => b.kind !== 'comments').map((b) => b.range.start.line),
  ];
  return starts.length > 0 ? Math.min(...starts) : undefined;
}

/** A missing hook: a skeleton before do_postinstall (stage order), else at the end. */
function insertFunctionFix(input: CodeActionInput, name: string): Fix {
  const indent = indentUnit(input.text);
  const braceOnOwnLine = braceStyle(input.facts);
  const body = (findHook(name)?.skeleton ?? []).map((line) => `${indent}${line}`);
  const definition = [braceOnOwnLine ? `${name}()\n{` : `${name}() {`, ...body, '}'].join('\n');
  const lines = lspLines(input.text);
  const postinstall = input.facts.functions.find((f) => f.name === DO_POSTINSTALL && f.function === null);
  let edit: TextEdit;
  if (postinstall && name !== DO_POSTINSTALL) {
    const at = { line: postinstall.comment?.range.start.line ?? postinstall.range.start.line, character: 0 };
    edit = { range: { start: at, end: at }, newText: `${definition}\n\n` };
  } else {
    const last = lines.length - 1;
    const at = { line: last, character: lines[last].length };
    const trimmed = input.text.replace(/\n+$/, '');
    const separator = trimmed === '' ? '' : input.text.endsWith('\n\n') ? '' : input.text.endsWith('\n') ? '\n' : '\n\n';
    edit = { range: { start: at, end: at }, newText: `${separator}${definition}\n` };
  }
  return { title: `Add a ${name}() skeleton`, edit: editOf(input.uri, [edit]) };
}

/** Append `count` empty entries to the shorter array of a pair, in its layout (one per line or inline). */
function appendPlaceholdersFix(input: CodeActionInput, arrayName: string, count: number, role: string): Fix | undefined {
  const assignments = visibleAssignments(input.facts, arrayName);
  if (assignments.length !== 1 || count <= 0) return undefined;
  const array = assignments[0];
  const value = array.valueRange;
  if (!value || array.kind !== 'array') return undefined;
  const elements = array.elements ?? [];
  const lines = lspLines(input.text);
  const last = elements[elements.length - 1];
  let at: Position;
  let separator: string;
  if (last) {
    at = last.range.end;
    const previous = elements[elements.length - 2];
    const onePerLine = previous ? previous.range.end.line < last.range.start.line : last.range.start.line > value.start.line;
    separator = onePerLine ? `\n${leadingWhitespace(lines[last.range.start.line] ?? '')}` : ' ';
  } else {
    at = { line: value.start.line, character: value.start.character + 1 };
    separator = '';
  }
  const placeholders = Array.from({ length: count }, () => '""');
  const newText = separator + placeholders.join(separator || ' ');
  return {
    title: `Append ${count} placeholder ${role}${count === 1 ? '' : 's'} to ${arrayName}`,
    edit: editOf(input.uri, [{ range: { start: at, end: at }, newText }]),
  };
}

function createFileFix(input: CodeActionInput, path: string): Fix | undefined {
  if (!input.canCreateFiles || input.directory === undefined) return undefined;
  const uri = pathToFileURL(join(input.directory, path)).toString();
  return {
    title: `Create ${path}`,
    edit: { documentChanges: [{ kind: 'create', uri, options: { ignoreIfExists: true } }] },
  };
}

function editOf(uri: string, edits: TextEdit[]): WorkspaceEdit {
  return { changes: { [uri]: edits } };
}

/** The document's indentation unit: a tab, or the smallest space indent in use (4 when none). */
export function indentUnit(text: string): string {
  let smallest = Infinity;
  for (const line of text.split('\n')) {
    const indent = leadingWhitespace(line);
    if (indent === '' || indent.length === line.length) continue;
    if (indent.startsWith('\t')) return '\t';
    smallest = Math.min(smallest, indent.length);
  }
  return smallest >= 2 && smallest <= 8 ? ' '.repeat(smallest) : '    ';
}

/** Whether the document puts a function's `{` on its own line (as the makeimg examples do). */
function braceStyle(facts: DocumentFacts): boolean {
  const first = facts.functions.find((f) => f.function === null);
  return first ? first.bodyRange.start.line > first.nameRange.start.line : false;
}

function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

function textAt(text: string, range: Range): string {
  const lines = lspLines(text);
  if (range.start.line === range.end.line) return (lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
  const parts = lines.slice(range.start.line, range.end.line + 1);
  parts[0] = parts[0].slice(range.start.character);
  parts[parts.length - 1] = parts[parts.length - 1].slice(0, range.end.character);
  return parts.join('\n');
}

function sameRange(a: LspRange, b: LspRange): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
