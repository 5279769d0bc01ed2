/**
 * Owns the one build that may run at a time: builds the argv from the
 * settings, runs the launcher, and feeds every event to the terminal, the
 * output channel, the status bar and the build diagnostics.
 */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import type { BuildEvent, ReportEvent, StageEvent } from '../../../shared/events';
import type { BuildDiagnostics } from './build-diagnostics';
import { readBuildSettings } from '../config';
import type { BuildStatusBar } from './status-bar';
import { buildArgs, pipelineRunner, privilegedCommand, type PrivilegedCommand } from './argv';
import { launchBuild, type BuildHandle } from './launcher';
import { describeOutcome, type BuildOutcome } from './outcome';
import { installCacheLine, logLine, nextProgress, terminalRenderer, writeOutcome, type BuildProgress } from './render';
import { notifyOutcome } from './notify';
import { runClean } from './clean';

export interface BuildRequest {
  /** Absolute directory that contains image.sh. */
  directory: string;
  /** Overrides makeimg.imgDirBase (a task's `imgDirBase`). */
  imgDirBase?: string;
  /** The terminal's name, to reveal it later. */
  terminalName: string;
  /** Build with --no-cache (also when makeimg.cache.enable is off). */
  noCache?: boolean;
  /** Rebuild Image: replace the image, remove a kept working directory first. */
  force?: boolean;
}

/** Where the terminal text goes (the task's pseudoterminal). */
export interface TerminalSink {
  write(text: string): void;
}

export interface RunningBuild {
  readonly request: BuildRequest;
  readonly done: Promise<BuildOutcome>;
  cancel(): void;
}

const BUILDING_CONTEXT_KEY = 'makeimg.building';

/** Who else follows builds (the image features: report Problems, the report view). */
export interface BuildListener {
  started(): void;
  report(event: ReportEvent): void;
  /** The build's process ended (after its last event), whatever the outcome. */
  finished(outcome: BuildOutcome): void;
}

export class BuildController implements vscode.Disposable {
  private current: RunningBuild | undefined;
  readonly listeners: BuildListener[] = [];
  private lastTerminalName: string | undefined;
  /** Starts a forced build of the same request (set by the context: building goes through a task). */
  onRebuild: ((request: BuildRequest) => void) | undefined;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly status: BuildStatusBar,
    private readonly diagnostics: BuildDiagnostics,
  ) {}

  get running(): RunningBuild | undefined {
    return this.current;
  }

  /** Starts a build, or explains in the terminal why not and returns undefined. */
  start(request: BuildRequest, terminal: TerminalSink): RunningBuild | undefined {
    const renderer = terminalRenderer((text) => terminal.write(text), request.directory);
    if (this.current) {
      writeOutcome(renderer, { kind: 'crashed', message: `a build of ${this.current.request.directory} is already running` });
      return undefined;
    }
    const settings = readBuildSettings(vscode.Uri.file(request.directory));
    let command: PrivilegedCommand;
    try {
      command = privilegedCommand(
        pipelineRunner(settings, this.extensionPath),
        buildArgs({
          directory: request.directory,
          imgDirBase: request.imgDirBase ?? settings.imgDirBase,
          homeDirectory: homedir(),
          noCache: request.noCache || !settings.cacheEnable,
          action: { verb: 'build', force: request.force },
        }),
      );
    } catch (err) {
      writeOutcome(renderer, { kind: 'invalid', message: (err as Error).message });
      return undefined;
    }

    this.diagnostics.clear();
    for (const l of this.listeners) l.started();
    let progress: BuildProgress = { phase: 'starting' };
    const imageLabel = imageLabelFor(request.directory);
    this.status.running(progress, imageLabel);
    void vscode.commands.executeCommand('setContext', BUILDING_CONTEXT_KEY, true);
    this.lastTerminalName = request.terminalName;
    this.log.info(`[build] ${request.directory}: ${command.argv.map(quoteForDisplay).join(' ')}`);
    renderer.say(`makeimg: building ${request.directory}`, 'dim');
    if (command.warning) {
      this.log.warn(`[build] ${command.warning}`);
      renderer.say(`makeimg: warning: ${command.warning}`, 'warn');
    }

    let installStart: StageEvent | undefined;
    const onEvent = (event: BuildEvent) => {
      if (event.type === 'stage' && event.stage === 'install' && event.state === 'start') installStart = event;
      renderer.event(event);
      const line = logLine(event);
      if (line) this.log[line.level](line.text);
      if (event.type === 'error') this.diagnostics.report(event);
      if (event.type === 'report') for (const l of this.listeners) l.report(event);
      const next = nextProgress(progress, event);
      if (next !== progress) this.status.running((progress = next), imageLabel);
    };
    let handle: BuildHandle;
    try {
      handle = launchBuild({
        argv: command.argv,
        privilegeCommandLength: command.privilegeCommandLength,
        onEvent,
        onOutput: (line, stream) => {
          renderer.foreign(line, stream);
          this.log[stream === 'stderr' ? 'warn' : 'info'](`[build] ${line}`);
        },
      });
    } catch (err) {
      this.finishUi();
      writeOutcome(renderer, { kind: 'crashed', message: (err as Error).message });
      return undefined;
    }

    const done = handle.done.then((outcome) => {
      writeOutcome(renderer, outcome);
      this.log[outcome.kind === 'built' ? 'info' : outcome.kind === 'cancelled' ? 'warn' : 'error'](`[build] ${describeOutcome(outcome)}`);
      this.status.finished(outcome, installCacheLine(installStart));
      this.finishUi();
      for (const l of this.listeners) l.finished(outcome);
      void notifyOutcome(outcome, this.log, {
        rebuild: () => this.onRebuild?.(request),
        deleteKept: (keepImage) => void this.deleteKept(request, keepImage),
      });
      return outcome;
    });
    const running: RunningBuild = {
      request,
      done,
      cancel: () => {
        if (handle.cancelRequested) return;
        handle.cancel();
        this.status.running((progress = { phase: 'cancelling' }), imageLabel);
        renderer.say('Cancelling: asked makeimg to stop and clean up...', 'dim');
        this.log.warn('[build] cancel requested');
      },
    };
    this.current = running;
    return running;
  }

  /**
   * Delete Working Directory: `makeimg clean` through the privilege command
   * (what a failed build kept belongs to root), then say what happened.
   */
  async deleteKept(request: Pick<BuildRequest, 'directory' | 'imgDirBase'>, keepImage: boolean): Promise<void> {
    const settings = readBuildSettings(vscode.Uri.file(request.directory));
    const command = privilegedCommand(
      pipelineRunner(settings, this.extensionPath),
      buildArgs({
        directory: request.directory,
        imgDirBase: request.imgDirBase ?? settings.imgDirBase,
        homeDirectory: homedir(),
        action: { verb: 'clean', keepImage },
      }),
    );
    if (command.warning) this.log.warn(`[clean] ${command.warning}`);
    this.log.info(`[clean] ${request.directory}: ${command.argv.map(quoteForDisplay).join(' ')}`);
    const outcome = await runClean(command.argv, command.privilegeCommandLength);
    if (outcome.ok) {
      const what = outcome.removed.length ? `removed ${outcome.removed.join(', ')}` : 'nothing was left to remove';
      this.log.info(`[clean] ${what}`);
      void vscode.window.showInformationMessage(`makeimg: ${what}`);
    } else {
      this.log.error(`[clean] ${outcome.message}`);
      void vscode.window.showErrorMessage(`makeimg: could not delete the working directory: ${outcome.message}`);
    }
  }

  /** A build was asked for: the last build's result leaves the status bar now, not when the task starts. */
  prepare(): void {
    if (!this.current) this.status.clear();
  }

  /** Cancels the running build; false when none runs. */
  cancel(): boolean {
    if (!this.current) return false;
    this.current.cancel();
    return true;
  }

  /** The terminal of the running (or last) build, if it is still open. */
  buildTerminal(): vscode.Terminal | undefined {
    const name = this.current?.request.terminalName ?? this.lastTerminalName;
    return name ? vscode.window.terminals.find((t) => t.name.includes(name)) : undefined;
  }

  dispose(): void {
    // Deactivation: ask the pipeline to stop rather than orphan it.
    this.current?.cancel();
  }

  private finishUi(): void {
    this.current = undefined;
    void vscode.commands.executeCommand('setContext', BUILDING_CONTEXT_KEY, false);
  }
}

/** In a multi-root workspace the status bar names the image being built: its folder, relative to its workspace folder. */
function imageLabelFor(directory: string): string | undefined {
  if ((vscode.workspace.workspaceFolders?.length ?? 0) < 2) return undefined;
  return vscode.workspace.asRelativePath(directory, true);
}

function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
