/**
 * The edits behind the rules' quick fixes, as plain data (the server turns
 * a `RuleFix` into an LSP code action). Inserted code follows the
 * document's indentation and brace style.
 */
import { DO_POSTINSTALL, findHook } from '../../../shared/contract';
import { visibleAssignments, type AssignmentFact, type DocumentFacts, type Position, type Range } from '../facts';
import type { FixContext, FixData, RuleFix, TextEdit } from './types';
import { DESTINATION_PLACEHOLDER } from './file-destination-placeholder';
import { posix } from 'node:path';

type Data<K extends FixData['kind']> = Extract<FixData, { kind: K }>;

/** Replace `range` with `newText`. */
export function replaceFix(ctx: FixContext, range: Range, newText: string, title?: string): RuleFix {
  return { title: title ?? `Replace "${textAt(ctx.lines, range)}" with "${newText}"`, edits: [{ range, newText }] };
}

/** A misspelled name: rename every occurrence, as a rename would. */
export function renameFix(ctx: FixContext, range: Range, newText: string): RuleFix {
  const old = textAt(ctx.lines, range);
  const edits = occurrencesOf(ctx.facts, range, old).map((r) => ({ range: r, newText }));
  return { title: `Rename "${old}" to "${newText}"`, edits };
}

/** Edits the finding carries itself (they need no other context). */
export function carriedEditsFix(data: Data<'edits'>): RuleFix {
  return { title: data.title, edits: data.edits.map((e) => ({ range: e.range, newText: e.newText })) };
}

/** A missing top-level assignment: after its partner (at its indentation), else above the first statement. */
export function insertAssignmentFix(ctx: FixContext, data: Data<'insert-assignment'>): RuleFix {
  return data.after ? insertAfter(ctx, data.text, data.name, data.after) : insertAtTop(ctx, data.text);
}

function insertAfter(ctx: FixContext, text: string, name: string, after: Range): RuleFix {
  const line = ctx.lines[after.end.line] ?? '';
  const indent = leadingWhitespace(ctx.lines[after.start.line] ?? '');
  const at = { line: after.end.line, character: line.length };
  const count = text.slice(text.indexOf('(') + 1, -1).split(' ').length;
  return {
    title: `Add ${name} with ${count} placeholder ${count === 1 ? 'entry' : 'entries'}`,
    edits: [{ range: { start: at, end: at }, newText: `\n${indent}${text}` }],
  };
}

/** Above the first statement (and its comment), below the file's header comment. */
export function insertAtTop(ctx: FixContext, text: string, title = `Add ${text}`): RuleFix {
  const first = firstStatementLine(ctx.facts);
  const { lines } = ctx;
  let newText = `${text}\n`;
  if (first === undefined) {
    // Nothing but comments (or nothing at all): append after them.
    const last = lines.length - 1;
    const atEnd = { line: last, character: lines[last].length };
    const prefix = lines[last] === '' ? '' : '\n';
    return { title, edits: [{ range: { start: atEnd, end: atEnd }, newText: prefix + newText }] };
  }
  const at: Position = { line: first, character: 0 };
  if ((lines[first] ?? '').trim() !== '') newText += '\n';
  return { title, edits: [{ range: { start: at, end: at }, newText }] };
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
export function insertFunctionFix(ctx: FixContext, name: string): RuleFix {
  const indent = indentUnit(ctx.lines);
  const braceOnOwnLine = braceStyle(ctx.facts);
  const body = (findHook(name)?.skeleton ?? []).map((line) => `${indent}${line}`);
  const definition = [braceOnOwnLine ? `${name}()\n{` : `${name}() {`, ...body, '}'].join('\n');
  const { lines } = ctx;
  const postinstall = ctx.facts.functions.find((f) => f.name === DO_POSTINSTALL && f.function === null);
  let edit: TextEdit;
  if (postinstall && name !== DO_POSTINSTALL) {
    const at = { line: postinstall.comment?.range.start.line ?? postinstall.range.start.line, character: 0 };
    edit = { range: { start: at, end: at }, newText: `${definition}\n\n` };
  } else {
    const last = lines.length - 1;
    const at = { line: last, character: lines[last].length };
    // Blank lines at the end: how many line breaks end the text.
    let trailingBreaks = 0;
    while (trailingBreaks < lines.length - 1 && lines[lines.length - 1 - trailingBreaks] === '') trailingBreaks++;
    const empty = lines.every((l) => l === '');
    const separator = empty ? '' : trailingBreaks >= 2 ? '' : trailingBreaks === 1 ? '\n' : '\n\n';
    edit = { range: { start: at, end: at }, newText: `${separator}${definition}\n` };
  }
  return { title: `Add a ${name}() skeleton`, edits: [edit] };
}

/** Append the missing empty entries to the shorter array of a pair, in its layout (one per line or inline). */
export function appendPlaceholdersFix(ctx: FixContext, data: Data<'pair-mismatch'>): RuleFix | undefined {
  const arrayName = data.shorter;
  const count = data.missing;
  const role = data.shorter === data.dst ? 'destination' : 'source';
  const assignments = visibleAssignments(ctx.facts, arrayName);
  if (assignments.length !== 1 || count <= 0) return undefined;
  const array = assignments[0];
  const value = array.valueRange;
  if (!value || array.kind !== 'array') return undefined;
  const elements = array.elements ?? [];
  const last = elements[elements.length - 1];
  let at: Position;
  let separator: string;
  if (last) {
    at = last.range.end;
    const previous = elements[elements.length - 2];
    const onePerLine = previous ? previous.range.end.line < last.range.start.line : last.range.start.line > value.start.line;
    separator = onePerLine ? `\n${leadingWhitespace(ctx.lines[last.range.start.line] ?? '')}` : ' ';
  } else {
    at = { line: value.start.line, character: value.start.character + 1 };
    separator = '';
  }
  const partner = visibleAssignments(ctx.facts, role === 'destination' ? data.src : data.dst)[0];
  const placeholders = placeholdersFor(partner, count, role, elements.length);
  return {
    title: `Append ${count} placeholder ${role}${count === 1 ? '' : 's'} to ${arrayName}`,
    edits: [{ range: { start: at, end: at }, newText: separator + placeholders.join(separator || ' ') }],
  };
}

/**
 * Placeholders for `count` missing elements of a pair, visible and reported
 * until edited (never `""`, which means "copy to /"): a destination
 * `/CHANGE-ME/<source's name>` (MKIMG018), a source `CHANGE-ME` (MKIMG013
 * while no such file exists). `partner` is the other array, `from` the index
 * of the first missing element.
 */
export function placeholdersFor(partner: AssignmentFact | undefined, count: number, role: 'source' | 'destination', from = 0): string[] {
  return Array.from({ length: count }, (_, k) => {
    if (role === 'source') return 'CHANGE-ME';
    const source = partner?.elements?.[from + k]?.value;
    const name = source ? posix.basename(source) : '';
    return name && /^[\w.+-]+$/.test(name) ? `${DESTINATION_PLACEHOLDER}/${name}` : DESTINATION_PLACEHOLDER;
  });
}

/** A source file that does not exist: create it (relative to the image.sh directory). */
export function createFileFix(path: string): RuleFix {
  return { title: `Create ${path}`, edits: [], createFile: path };
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

/** The document's indentation unit: a tab, or the smallest space indent in use (4 when none). */
export function indentUnit(lines: readonly string[] | string): string {
  let smallest = Infinity;
  for (const line of typeof lines === 'string' ? lines.split('\n') : lines) {
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

export function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

export function textAt(lines: readonly string[], range: Range): string {
  if (range.start.line === range.end.line) return (lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
  const parts = lines.slice(range.start.line, range.end.line + 1);
  parts[0] = parts[0].slice(range.start.character);
  parts[parts.length - 1] = parts[parts.length - 1].slice(0, range.end.character);
  return parts.join('\n');
}

export function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
