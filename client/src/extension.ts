/** The extension's entry points: everything else lives in MakeimgContext. */
import type * as vscode from 'vscode';
import { MakeimgContext } from './context';

let context: MakeimgContext | undefined;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  context = new MakeimgContext(extension);
  await context.startLanguageClient();
}

export async function deactivate(): Promise<void> {
  const current = context;
  context = undefined;
  await current?.dispose();
}
