/**
 * The language status item of image.sh documents (the `{}` in the status
 * bar): the language server's state and ShellCheck on/off with its version,
 * with a Restart action; and makeimg: Restart Language Server.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import {
  COMMANDS,
  LANGUAGE_ID,
  SETTINGS_SECTION,
  STATUS_REQUEST,
  type ServerStatus,
  type StatusParams,
} from '../../shared/ids-and-settings';
import { languageStatusText, type ServerState } from './language-status-text';

const SEVERITY = {
  information: vscode.LanguageStatusSeverity.Information,
  warning: vscode.LanguageStatusSeverity.Warning,
  error: vscode.LanguageStatusSeverity.Error,
} as const;

export class LanguageStatus implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('makeimg.server', { language: LANGUAGE_ID });
  private readonly disposables: vscode.Disposable[] = [this.item];
  private client: LanguageClient | undefined;
  private clientListener: vscode.Disposable | undefined;
  private state: ServerState = 'starting';
  private status: ServerStatus | undefined;
  /** Answers to older requests are dropped. */
  private generation = 0;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.item.name = 'makeimg language server';
    this.item.command = { title: 'Restart', command: COMMANDS.restartServer, tooltip: 'Restart the makeimg language server' };
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.shellcheck`)) void this.refresh();
      }),
    );
    this.render();
  }

  /** Follows `client`'s state from now on. */
  watch(client: LanguageClient): void {
    this.clientListener?.dispose();
    this.client = client;
    this.clientListener = client.onDidChangeState(() => void this.refresh());
    void this.refresh();
  }

  /** Asks the server again (after a restart, a settings change, another editor). */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const client = this.client;
    this.state = !client
      ? 'starting'
      : client.state === State.Running
        ? 'running'
        : client.state === State.Starting
          ? 'starting'
          : 'stopped';
    this.status = undefined;
    this.render();
    if (!client || this.state !== 'running') return;
    const document = vscode.window.activeTextEditor?.document;
    const uri = document?.languageId === LANGUAGE_ID ? document.uri.toString() : undefined;
    if (!uri) return;
    try {
      const status = await client.sendRequest<ServerStatus>(STATUS_REQUEST, { uri } satisfies StatusParams);
      if (generation !== this.generation) return;
      this.status = status;
      this.render();
    } catch (e) {
      this.log.warn(`language status: ${(e as Error).message}`);
    }
  }

  private render(): void {
    const t = languageStatusText(this.state, this.status);
    this.item.text = t.text;
    this.item.detail = t.detail;
    this.item.severity = SEVERITY[t.severity];
    this.item.busy = t.busy;
  }

  dispose(): void {
    this.clientListener?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
