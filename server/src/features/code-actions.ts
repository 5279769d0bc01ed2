/**
 * Quick fixes: a generic adapter from the rules' own fixes (`Rule.fix`, in
 * analysis/src/rules) to LSP code actions, plus ShellCheck's fixes.
 *
 * The fix of a diagnostic is not taken from the `data` the client echoes
 * back: the rule is run again on the current facts and the finding at the
 * same range supplies it. A diagnostic from an older version of the text
 * thus gets no fix rather than a wrong edit.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver';
import type { DocumentFacts } from '../../../analysis/src/facts';
import { checkRule, findRule, type Finding, type RuleFix, type SourceFiles } from '../../../analysis/src/rules';
import { sameRange } from '../../../analysis/src/rules/fixes';
import { lspLines } from '../coordinates';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';
import { shellcheckCodeActions } from '../shellcheck';

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
  const lines = lspLines(input.text);
  const fresh = new Map<string, Finding[]>();
  for (const diagnostic of input.diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') continue;
    const rule = findRule(diagnostic.code);
    const finding = rule && currentFinding(input, diagnostic, fresh);
    const fix = finding && rule.fix?.(finding, { facts: input.facts, lines });
    const edit = fix && workspaceEditOf(input, fix);
    if (!fix || !edit) continue;
    // The two diagnostics of one problem (MKIMG004 on both arrays) share one fix.
    const same = actions.find((a) => a.title === fix.title);
    if (same) same.diagnostics?.push(diagnostic);
    else actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, edit, diagnostics: [diagnostic], isPreferred: !fix.notPreferred });
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

/** The fix as a workspace edit (undefined when the client cannot apply it, e.g. create a file). */
function workspaceEditOf(input: CodeActionInput, fix: RuleFix): WorkspaceEdit | undefined {
  if (fix.createFile === undefined) return { changes: { [input.uri]: fix.edits } };
  if (!input.canCreateFiles || input.directory === undefined) return undefined;
  const uri = pathToFileURL(join(input.directory, fix.createFile)).toString();
  return { documentChanges: [{ kind: 'create', uri, options: { ignoreIfExists: true } }] };
}
