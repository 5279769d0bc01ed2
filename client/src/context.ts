/**
 * The extension's one context object: owns the output channel, the language
 * client, the build controller and everything registered with VS Code, and
 * tears them down in order.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { COMMANDS, TASK_TYPE } from '../../shared/ids-and-settings';
import { BuildDiagnostics } from './build/build-diagnostics';
import { buildImage, cancelBuild, showBuildLog, startBuild } from './build/command';
import { BuildController } from './build/controller';
import { BuildTaskProvider } from './build/task';
import { registerEditorSideFixes } from './editor-side-fixes';
import { formatUntilStarted } from './early-formatting';
import { createLanguageClient } from './language-client';
import { LanguageStatus } from './language-status';
import { showRuleDocumentation } from './rule-documentation';
import { BuildStatusBar } from './build/status-bar';
import { ImageFeatures } from './image/image-commands';

const OUTPUT_CHANNEL_NAME = 'makeimg';

export class MakeimgContext implements vscode.Disposable {
  readonly log = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  readonly controller: BuildController;
  private client: LanguageClient | undefined;
  private readonly languageStatus: LanguageStatus;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extension: vscode.ExtensionContext) {
    const status = new BuildStatusBar();
    const diagnostics = new BuildDiagnostics();
    this.controller = new BuildController(extension.extensionPath, this.log, status, diagnostics);
    const images = new ImageFeatures(extension.extensionPath, this.log, extension.globalState);
    this.controller.listeners.push({
      started: () => images.buildStarted(),
      finished: () => images.buildFinished(),
      report: (event) => {
        images.reportArrived(event);
        status.offerReport(event.report.findings.length);
      },
    });
    // Rebuild from a notification: the same directory and img_dir_base, forced; no second prompt.
    this.controller.onRebuild = (request) =>
      void startBuild(this.controller, { directory: request.directory, imgDirBase: request.imgDirBase, force: true });
    this.languageStatus = new LanguageStatus(this.log);
    this.disposables.push(
      this.languageStatus,
      vscode.commands.registerCommand(COMMANDS.restartServer, () => this.restartLanguageClient()),
      vscode.commands.registerCommand(COMMANDS.showRuleDocumentation, (code?: unknown) =>
        showRuleDocumentation(extension.extensionUri, code),
      ),
      registerEditorSideFixes(),
      images,
      status,
      diagnostics,
      this.controller,
      vscode.commands.registerCommand(COMMANDS.buildImage, (arg?: unknown) => buildImage(this.controller, this.log, arg)),
      vscode.commands.registerCommand(COMMANDS.buildImageNoCache, (arg?: unknown) =>
        buildImage(this.controller, this.log, arg, { noCache: true }),
      ),
      vscode.commands.registerCommand(COMMANDS.rebuildImage, (arg?: unknown) =>
        buildImage(this.controller, this.log, arg, { force: true }),
      ),
      vscode.commands.registerCommand(COMMANDS.cancelBuild, () => cancelBuild(this.controller)),
      vscode.commands.registerCommand(COMMANDS.showLog, () => showBuildLog(this.controller, this.log)),
      vscode.tasks.registerTaskProvider(TASK_TYPE, new BuildTaskProvider(this.controller)),
    );
  }

  /** Starts the language server; a server that fails to start leaves building available. */
  async startLanguageClient(): Promise<void> {
    const client = (this.client = createLanguageClient(this.extension, this.log));
    this.languageStatus.watch(client);
    const started = client.start();
    // Format Document works from the start: a stand-in waits for the server (early-formatting.ts).
    const standIn = formatUntilStarted(client, started);
    try {
      await started;
    } catch (err) {
      this.log.error(`language server did not start: ${(err as Error).message}`);
    } finally {
      standIn.dispose();
    }
  }

  /** makeimg: Restart Language Server: the running client restarts its server; a client that never started starts anew. */
  async restartLanguageClient(): Promise<void> {
    const client = this.client;
    this.log.info('restarting the language server');
    if (client?.isRunning()) {
      try {
        await client.restart();
        return;
      } catch (err) {
        this.log.error(`language server did not restart: ${(err as Error).message}`);
      }
    }
    try {
      await client?.dispose();
    } catch {
      // A client that never ran has nothing to stop.
    }
    await this.startLanguageClient();
  }

  async dispose(): Promise<void> {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
    const client = this.client;
    this.client = undefined;
    try {
      await client?.stop();
    } catch {
      // Already stopped (or never started): nothing to do on the way out.
    }
    this.log.dispose();
  }
}
