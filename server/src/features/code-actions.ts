/**
 * Quick fixes: a generic adapter from the rules' own fixes (`Rule.fix`, in
 * analysis/src/rules) to LSP code actions, plus ShellCheck's fixes and
 * "Disable CODE for this line / this file" (disable-actions.ts).
 *
 * The fix of a diagnostic is not taken from the `data` the client echoes
 * back: the rule is run again on the current facts and the finding at the
 * same range supplies it. A diagnostic from an older version of the text
 * thus gets no fix rather than a wrong edit.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { runRules } from '../../../analysis/src/analysis';
import type { DocumentFacts, Range } from '../../../analysis/src/facts';
import { checkRule, findRule, type Finding, type RuleFix, type SourceFiles } from '../../../analysis/src/rules';
import { sameRange } from '../../../analysis/src/rules/fixes';
import { lspLines } from '../coordinates';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';
import { disableActions } from './disable-actions';
import { SHELLCHECK_SOURCE, shellcheckCodeActions } from '../shellcheck';

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
  /** `params.context.only`: the kinds the client asks for. */
  only?: readonly string[];
}

/** The code action kind of "apply every safe fix" (`editor.codeActionsOnSave: {"source.fixAll.makeimg": "explicit"}`). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.makeimg`;

export function codeActions(input: CodeActionInput): CodeAction[] {
  const lines = lspLines(input.text);
  if (input.only?.some((kind) => FIX_ALL_KIND === kind || FIX_ALL_KIND.startsWith(`${kind}.`))) return fixAll(input, lines);
  const actions: CodeAction[] = [];
  const fresh = new Map<string, Finding[]>();
  // What can be silenced: ShellCheck's findings and the rules' current ones (a stale diagnostic gets nothing).
  const silenceable = input.diagnostics.filter((d) => d.source === SHELLCHECK_SOURCE);
  for (const diagnostic of input.diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') continue;
    const rule = findRule(diagnostic.code);
    const finding = rule && currentFinding(input, diagnostic, fresh);
    if (finding) silenceable.push(diagnostic);
    const fix = finding && rule.fix?.(finding, { facts: input.facts, lines });
    if (!fix) continue;
    // A fix no text edit can make (the document's language): the client's command, with the document.
    const command = fix.command && { title: fix.title, command: fix.command.command, arguments: [input.uri] };
    const edit = command ? undefined : workspaceEditOf(input, fix);
    if (!edit && !command) continue;
    // The two diagnostics of one problem (MKIMG004 on both arrays) share one fix.
    const same = actions.find((a) => a.title === fix.title);
    if (same) same.diagnostics?.push(diagnostic);
    else
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        ...(edit && { edit }),
        ...(command && { command }),
        diagnostics: [diagnostic],
        isPreferred: !fix.notPreferred,
      });
  }
  return [...actions, ...shellcheckCodeActions(input.uri, input.diagnostics), ...disableActions(input.uri, lines, silenceable)];
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

/** The fix as a workspace edit (undefined when the client cannot apply it, e.g. create a file). */
function workspaceEditOf(input: CodeActionInput, fix: RuleFix): WorkspaceEdit | undefined {
  if (fix.createFile === undefined) return { changes: { [input.uri]: fix.edits } };
  if (!input.canCreateFiles || input.directory === undefined) return undefined;
  const uri = pathToFileURL(join(input.directory, fix.createFile)).toString();
  return { documentChanges: [{ kind: 'create', uri, options: { ignoreIfExists: true } }] };
}

/** One action applying every safe fix of the document's current findings (edits that overlap an earlier one are left out). */
function fixAll(input: CodeActionInput, lines: readonly string[]): CodeAction[] {
  const edits: TextEdit[] = [];
  for (const finding of runRules(input.facts, { files: input.files })) {
    const fix = findRule(finding.code)?.fix?.(finding, { facts: input.facts, lines });
    if (!fix?.safe || fix.createFile !== undefined || fix.command) continue;
    if (fix.edits.some((e) => edits.some((other) => overlaps(e.range, other.range)))) continue;
    edits.push(...fix.edits);
  }
  if (edits.length === 0) return [];
  return [{ title: 'Fix all safe makeimg problems', kind: FIX_ALL_KIND, edit: { changes: { [input.uri]: edits } } }];
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return before(a.start, b.end) && before(b.start, a.end);
}
