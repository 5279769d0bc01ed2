/**
 * The language client: starts the bundled server (dist/server.js) over IPC for
 * image.sh documents. The server pulls the makeimg.* settings through
 * workspace/configuration; didChangeConfiguration tells it when to re-read.
 */
import type * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { LANGUAGE_ID, SETTINGS_SECTION } from '../../shared/ids-and-settings';
import { lineEndingsMiddleware } from './editor-side-fixes';
import { ruleLinksMiddleware } from './rule-documentation';

export function createLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Shell scripts too, so the server sees edits of the files image.sh sources (it checks only image.sh).
    documentSelector: [{ language: LANGUAGE_ID }, { scheme: 'file', language: 'shellscript' }],
    synchronize: { configurationSection: SETTINGS_SECTION },
    // One channel for the server's log and every build's log.
    outputChannel: log,
    // A rule code's link opens its page in the Markdown preview; CRLF fixes become VS Code's end-of-line edit.
    middleware: { ...ruleLinksMiddleware(), ...lineEndingsMiddleware() },
  };
  return new LanguageClient(SETTINGS_SECTION, 'makeimg language server', serverOptions, clientOptions);
}
