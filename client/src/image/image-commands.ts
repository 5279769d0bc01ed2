/**
 * The built image in the editor: "makeimg: Open Image" (a read-only folder
 * in the Explorer), "makeimg: Show Image Report" (the last build's report in
 * a webview), "makeimg: Open Shell in Image" (makeimg shell in a terminal,
 * through the build's privilege command) and "makeimg: Go to File in
 * Image..." (quick open over the image). Reports of builds arrive here and
 * become Problems on image.sh, and links on its img_name hover.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ReportEvent } from '../../../shared/events';
import { COMMANDS, LANGUAGE_ID } from '../../../shared/ids-and-settings';
import { pipelineRunner, privilegedCommand, shellArgs, type PrivilegedCommand } from '../build/argv';
import { readBuildSettings } from '../config';
import { pickFileInImage } from './go-to-file';
import { IMAGE_SCHEME, ImageFileSystem, imagePathOf, imageRootUri } from './image-file-system';
import { BuiltImageHover, type BuiltBy } from './image-hover';
import { reportHtml } from './report-html';
import { ReportDiagnostics } from './report-diagnostics';
import { ShownFindings } from './shown-findings';

const LAST_REPORT_KEY = 'makeimg.lastReport';
/** image.sh path -> what its last build made (for the img_name hover). */
const BUILT_BY_KEY = 'makeimg.builtBy';
/** How many image.sh files the hover remembers. */
const BUILT_BY_MAX = 50;

export class ImageFeatures implements vscode.Disposable {
  readonly fileSystem = new ImageFileSystem();
  readonly diagnostics = new ReportDiagnostics();
  /** Which image.sh files show findings, and of which image (they stay while it is there, unchanged). */
  private readonly shown = new ShownFindings();
  private last: ReportEvent | undefined;
  private panel: vscode.WebviewPanel | undefined;
  /** Lease files of open shells (removing one stops its shell). */
  private readonly leases: (() => void)[] = [];
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
    /** Where the last report survives a restart of the extension host (opening an image can cause one). */
    private readonly memory: vscode.Memento,
  ) {
    this.disposables = [
      this.diagnostics,
      vscode.workspace.registerFileSystemProvider(IMAGE_SCHEME, this.fileSystem, { isReadonly: true, isCaseSensitive: true }),
      vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/image.sh' }, this.diagnostics, {
        providedCodeActionKinds: ReportDiagnostics.providedCodeActionKinds,
      }),
      vscode.commands.registerCommand(COMMANDS.openImage, (arg?: unknown) => this.openImage(arg)),
      vscode.commands.registerCommand(COMMANDS.showReport, () => this.showReport()),
      vscode.commands.registerCommand(COMMANDS.openShell, (arg?: unknown) => this.openShell(arg)),
      vscode.commands.registerCommand(COMMANDS.goToFileInImage, (arg?: unknown) => this.goToFile(arg)),
      vscode.languages.registerHoverProvider(
        { language: LANGUAGE_ID, scheme: 'file' },
        new BuiltImageHover((imageSh) => this.builtBy()[imageSh]),
      ),
    ];
    const kept = memory.get<ReportEvent>(LAST_REPORT_KEY);
    if (kept && existsSync(kept.imgPath)) {
      this.last = kept;
      this.diagnostics.show(kept);
      if (kept.file) this.shown.restored(kept.file, kept.imgPath);
    }
  }

  /** The image of the last successful build, if any. */
  get lastImage(): string | undefined {
    return this.last?.imgPath;
  }

  /** Findings stay until a report of the same image.sh replaces them, or their image is gone or replaced. */
  buildStarted(): void {
    this.shown.buildStarted();
  }

  /** A build ended: the findings of images it removed or replaced without a report leave Problems. */
  buildFinished(): void {
    for (const file of this.shown.buildFinished()) this.diagnostics.clearFile(file);
  }

  reportArrived(event: ReportEvent): void {
    this.last = event;
    void this.memory.update(LAST_REPORT_KEY, event);
    if (event.file) {
      const built = { imgPath: event.imgPath, totalBytes: event.report.totalBytes, findings: event.report.findings.length };
      const kept = Object.entries(this.builtBy()).filter(([file]) => file !== event.file);
      void this.memory.update(BUILT_BY_KEY, Object.fromEntries([...kept.slice(-(BUILT_BY_MAX - 1)), [event.file, built]]));
    }
    this.fileSystem.forget(event.imgPath);
    this.diagnostics.show(event);
    if (event.file) this.shown.reportArrived(event.file, event.imgPath);
    if (this.panel) this.render(this.panel, event);
  }

  /** The image an argument names: a Uri or path (menus, notification), else the last build's, else the user's pick. */
  private async pickImage(arg: unknown, purpose: string): Promise<string | undefined> {
    if (arg instanceof vscode.Uri) return arg.scheme === IMAGE_SCHEME ? imagePathOf(arg) : arg.fsPath;
    if (typeof arg === 'string' && arg) return arg;
    if (this.last) return this.last.imgPath;
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: purpose,
      title: `makeimg: ${purpose} (a .tar* image or a directory image)`,
    });
    return picked?.[0]?.fsPath;
  }

  async openImage(arg?: unknown): Promise<vscode.Uri | undefined> {
    const imagePath = await this.pickImage(arg, 'Open Image');
    if (!imagePath) return undefined;
    const root = imageRootUri(imagePath);
    try {
      const source = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `makeimg: reading ${basename(imagePath)}` },
        () => this.fileSystem.source(imagePath),
      );
      this.log.info(`[image] ${imagePath}: ${source.entryCount} entries indexed`);
    } catch (e) {
      void vscode.window.showErrorMessage(`makeimg: cannot open ${imagePath}: ${(e as Error).message}`);
      return undefined;
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.some((f) => f.uri.toString() === root.toString())) {
      // Appended, never first: changing the first folder would restart the extension host. A single-folder window
      // becomes an untitled multi-root workspace (VS Code reloads it; the last report is kept in globalState).
      vscode.workspace.updateWorkspaceFolders(folders.length, 0, { uri: root, name: `image: ${basename(imagePath)}` });
    }
    await vscode.commands.executeCommand('workbench.view.explorer');
    return root;
  }

  private builtBy(): Record<string, BuiltBy> {
    return this.memory.get<Record<string, BuiltBy>>(BUILT_BY_KEY) ?? {};
  }

  /** Quick open over an image: the one an argument names, else the one open in the Explorer (asked when several), else the last build's. */
  async goToFile(arg?: unknown): Promise<vscode.TextEditor | undefined> {
    let imagePath: string | undefined;
    const open = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === IMAGE_SCHEME).map((f) => imagePathOf(f.uri));
    if (arg !== undefined || open.length === 0) imagePath = await this.pickImage(arg, 'Go to File in Image');
    else if (open.length === 1) imagePath = open[0];
    else imagePath = await vscode.window.showQuickPick(open, { title: 'makeimg: Go to File in Image: which image?' });
    if (!imagePath) return undefined;
    let source;
    try {
      source = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `makeimg: reading ${basename(imagePath)}` },
        () => this.fileSystem.source(imagePath),
      );
    } catch (e) {
      void vscode.window.showErrorMessage(`makeimg: cannot open ${imagePath}: ${(e as Error).message}`);
      return undefined;
    }
    const path = await pickFileInImage(source, `makeimg: Go to File in ${basename(imagePath)}`);
    if (!path) return undefined;
    return vscode.window.showTextDocument(imageRootUri(imagePath).with({ path }), { preview: true });
  }

  async showReport(): Promise<void> {
    if (!this.last) {
      void vscode.window.showInformationMessage(
        'makeimg: no image report yet; build an image first (makeimg inspect IMAGE prints one on the command line).',
      );
      return;
    }
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('makeimg.report', 'makeimg: image report', vscode.ViewColumn.Active, {
        enableScripts: false,
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.render(this.panel, this.last);
    this.panel.reveal();
  }

  private render(panel: vscode.WebviewPanel, event: ReportEvent): void {
    panel.title = `Report: ${basename(event.imgPath)}`;
    panel.webview.html = reportHtml(event.imgPath, event.report, randomBytes(16).toString('base64'));
  }

  async openShell(arg?: unknown): Promise<vscode.Terminal | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('makeimg: a shell in the image runs as root, so it needs a trusted workspace.');
      return undefined;
    }
    const imagePath = await this.pickImage(arg, 'Open Shell');
    if (!imagePath) return undefined;
    const settings = readBuildSettings();
    // Removed when the terminal closes: makeimg (root) cannot be signalled by us, so it watches this file.
    let lease: string;
    try {
      lease = join(mkdtempSync(join(tmpdir(), 'makeimg-lease-')), 'lease');
      writeFileSync(lease, '');
    } catch (e) {
      void vscode.window.showErrorMessage(
        `makeimg: cannot open a shell: the editor cannot create its lease file in ${tmpdir()} (${(e as Error).message})`,
      );
      return undefined;
    }
    let command: PrivilegedCommand;
    try {
      // The build's privileged command: makeimg's polkit launcher when it is installed.
      command = privilegedCommand(pipelineRunner(settings, this.extensionPath), shellArgs({ lease, imagePath }));
    } catch (e) {
      void vscode.window.showErrorMessage(`makeimg: ${(e as Error).message}`);
      return undefined;
    }
    if (command.warning) {
      this.log.warn(`[shell] ${command.warning}`);
      void vscode.window.showWarningMessage(`makeimg: ${command.warning}`);
    }
    this.log.info(`[shell] ${command.argv.join(' ')}`);
    const terminal = vscode.window.createTerminal({
      name: `makeimg shell: ${basename(imagePath)}`,
      shellPath: command.argv[0]!,
      shellArgs: command.argv.slice(1),
      cwd: homedir(),
    });
    const release = () => rmSync(dirname(lease), { recursive: true, force: true });
    this.leases.push(release);
    const closed = vscode.window.onDidCloseTerminal((t) => {
      if (t !== terminal) return;
      closed.dispose();
      release();
    });
    terminal.show();
    return terminal;
  }

  dispose(): void {
    for (const release of this.leases.splice(0)) release();
    this.panel?.dispose();
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
