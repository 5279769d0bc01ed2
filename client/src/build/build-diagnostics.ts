/**
 * A failing hook's image.sh line as a diagnostic (source "makeimg build"),
 * kept until the next build starts or that file is edited.
 */
import * as vscode from 'vscode';
import type { ErrorEvent } from '../../../shared/events';

export const BUILD_DIAGNOSTIC_SOURCE = 'makeimg build';

export class BuildDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(BUILD_DIAGNOSTIC_SOURCE);
  private readonly editListener = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length > 0 && this.collection.has(e.document.uri)) this.collection.delete(e.document.uri);
  });

  /** Adds the error if it names a file and line (the terminal shows every error anyway). */
  report(error: ErrorEvent): void {
    if (!error.file || !error.line || error.line < 1) return;
    const uri = vscode.Uri.file(error.file);
    const line = error.line - 1;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const range = open && line < open.lineCount ? open.lineAt(line).range : new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
    const diagnostic = new vscode.Diagnostic(range, error.message, vscode.DiagnosticSeverity.Error);
    diagnostic.source = BUILD_DIAGNOSTIC_SOURCE;
    this.collection.set(uri, [...(this.collection.get(uri) ?? []), diagnostic]);
  }

  clear(): void {
    this.collection.clear();
  }

  dispose(): void {
    this.editListener.dispose();
    this.collection.dispose();
  }
}
