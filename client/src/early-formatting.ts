/**
 * Format Document right after opening image.sh. The language client
 * registers the server's formatter only once the server has answered
 * initialize; until then VS Code says "There is no formatter for 'makeimg'
 * files installed". This stand-in is registered with the client's start: a
 * request that comes before the server is up waits for it and goes to the
 * client's own formatter. The stand-in is removed as soon as the client has
 * started (its formatter is registered by then): two formatters for one
 * language would make VS Code ask the user which one to use.
 */
import * as vscode from 'vscode';
import { DocumentFormattingRequest, DocumentRangeFormattingRequest, type LanguageClient } from 'vscode-languageclient/node';
import { LANGUAGE_ID } from '../../shared/ids-and-settings';

/** Formatting providers for image.sh that hand over to `client`'s once `started` settles. */
export function formatUntilStarted(client: LanguageClient, started: Promise<unknown>): vscode.Disposable {
  /** Whether the client runs, once its start settled (it does not if the server failed to start). */
  const running = async (): Promise<boolean> => {
    await started.catch(() => undefined);
    return client.isRunning();
  };
  const selector: vscode.DocumentSelector = { language: LANGUAGE_ID };
  return vscode.Disposable.from(
    vscode.languages.registerDocumentFormattingEditProvider(selector, {
      async provideDocumentFormattingEdits(document, options, token) {
        if (!(await running())) return undefined;
        const provider = client.getFeature(DocumentFormattingRequest.method).getProvider(document);
        return provider?.provideDocumentFormattingEdits(document, options, token);
      },
    }),
    vscode.languages.registerDocumentRangeFormattingEditProvider(selector, {
      async provideDocumentRangeFormattingEdits(document, range, options, token) {
        if (!(await running())) return undefined;
        const provider = client.getFeature(DocumentRangeFormattingRequest.method).getProvider(document);
        return provider?.provideDocumentRangeFormattingEdits(document, range, options, token);
      },
    }),
  );
}
