/**
 * What an editor does with the server's answers, for protocol tests: apply
 * a WorkspaceEdit's text edits to a document text.
 */
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';

export { applyTextEdits } from '../../../shared/test/support/text-edits';

/** The text edits a WorkspaceEdit makes to `uri` (from `changes` or `documentChanges`). */
export function textEditsFor(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  const fromChanges = edit.changes?.[uri] ?? [];
  const fromDocumentChanges = (edit.documentChanges ?? []).flatMap((change) =>
    'textDocument' in change && change.textDocument.uri === uri ? change.edits.filter((e): e is TextEdit => 'range' in e) : [],
  );
  return [...fromChanges, ...fromDocumentChanges];
}
