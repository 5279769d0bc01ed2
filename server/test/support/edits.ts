/**
 * What an editor does with the server's answers, for protocol tests: apply
 * a WorkspaceEdit's text edits to a document text, and wait for a
 * publishDiagnostics that satisfies a condition.
 */
import type { PublishDiagnosticsParams, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { LspTestClient } from './lsp-client';

/** Apply non-overlapping edits (LSP positions, '\n' line breaks) as a client does: all against the original text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) =>
    p.line >= lineStarts.length ? text.length : Math.min(lineStarts[p.line] + p.character, text.length);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let result = text;
  for (const edit of sorted) {
    result = result.slice(0, offset(edit.range.start)) + edit.newText + result.slice(offset(edit.range.end));
  }
  return result;
}

/** The text edits a WorkspaceEdit makes to `uri` (from `changes` or `documentChanges`). */
export function textEditsFor(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  const fromChanges = edit.changes?.[uri] ?? [];
  const fromDocumentChanges = (edit.documentChanges ?? []).flatMap((change) =>
    'textDocument' in change && change.textDocument.uri === uri ? change.edits.filter((e): e is TextEdit => 'range' in e) : [],
  );
  return [...fromChanges, ...fromDocumentChanges];
}

/**
 * The first publish for `uri` (received after `since`, an index into
 * `client.published`) that satisfies `accept`.
 */
export async function waitForPublish(
  client: LspTestClient,
  uri: string,
  accept: (p: PublishDiagnosticsParams) => boolean,
  since = 0,
  timeoutMs = 10_000,
): Promise<PublishDiagnosticsParams> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = client.published.slice(since).find((p) => p.uri === uri && accept(p));
    if (found) return found;
    if (Date.now() > deadline) {
      const last = client.published.filter((p) => p.uri === uri).pop();
      throw new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
