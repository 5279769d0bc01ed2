/** The extension's entry points: everything else lives in MakeimgContext. */
import type * as vscode from 'vscode';
import { MakeimgContext } from './context';

let context: MakeimgContext | undefined;

export function activate(extension: vscode.ExtensionContext): void {
  context = new MakeimgContext(extension);
  // Not awaited: commands and tasks wait for activation, and must not wait for the server.
  void context.startLanguageClient();
}

export async function deactivate(): Promise<void> {
  const current = context;
  context = undefined;
  await current?.dispose();
}
