/**
 * The hygiene findings of the last build's report as Problems on image.sh's
 * img_name line (source "makeimg image"), each with a quick fix that appends
 * the finding's fix to the hook it names (do_postinstall, or do_install).
 * The hook is found through the language server's document symbols.
 */
import * as vscode from 'vscode';
import type { ReportEvent } from '../../../shared/events';
import type { ImageFinding } from '../../../shared/image-report';
import { hookInsertion } from './hook-insertion';

export const IMAGE_DIAGNOSTIC_SOURCE = 'makeimg image';

export class ReportDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = vscode.languages.createDiagnosticCollection(IMAGE_DIAGNOSTIC_SOURCE);
  private readonly findings = new WeakMap<vscode.Diagnostic, ImageFinding>();

  show(event: ReportEvent): void {
    if (!event.file) return;
    const uri = vscode.Uri.file(event.file);
    const line = Math.max(0, (event.line ?? 1) - 1);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const range = open && line < open.lineCount ? open.lineAt(line).range : new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
    const diagnostics = event.report.findings.map((f) => {
      const d = new vscode.Diagnostic(range, `${f.message}: ${f.why}`, vscode.DiagnosticSeverity.Warning);
      d.source = IMAGE_DIAGNOSTIC_SOURCE;
      d.code = f.code;
      this.findings.set(d, f);
      return d;
    });
    this.collection.set(uri, diagnostics);
  }

  /** Removes the findings shown on this image.sh. */
  clearFile(file: string): void {
    this.collection.delete(vscode.Uri.file(file));
  }

  async provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== IMAGE_DIAGNOSTIC_SOURCE) continue;
      // The context holds copies: find ours by code and message.
      const own = (this.collection.get(document.uri) ?? []).find((o) => o.code === d.code && o.message === d.message);
      const finding = own && this.findings.get(own);
      if (!finding) continue;
      const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>(
        'vscode.executeDocumentSymbolProvider',
        document.uri,
      );
      const insertion = hookInsertion(document.getText(), finding.hook, finding.fix, hookRange(symbols ?? [], finding.hook));
      if (!insertion) continue; // the hook is defined, but where it ends is not known: no fix rather than a second hook
      const action = new vscode.CodeAction(`Append to ${finding.hook}: ${finding.fix}`, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [d];
      action.edit = new vscode.WorkspaceEdit();
      action.edit.insert(document.uri, document.positionAt(insertion.offset), insertion.text);
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** The range of the function `name` among the document symbols (the outline nests them under groups). */
function hookRange(symbols: vscode.DocumentSymbol[], name: string): { start: number; end: number } | undefined {
  for (const s of symbols) {
    if (s.name === name || s.name === `${name}()`) return { start: s.range.start.line, end: s.range.end.line };
    const inner = hookRange(s.children ?? [], name);
    if (inner) return inner;
  }
  return undefined;
}
