/**
 * Owns the one build that may run at a time: builds the argv from the
 * settings, runs the launcher, and feeds every event to the terminal, the
 * output channel, the status bar and the build diagnostics.
 */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BuildEvent, ReportEvent, StageEvent } from '../../../shared/events';
import type { BuildDiagnostics } from './build-diagnostics';
import { readBuildSettings } from '../config';
import type { BuildStatusBar } from './status-bar';
import { buildArgv } from './argv';
import { launchBuild, type BuildHandle } from './launcher';
import { describeOutcome, type BuildOutcome } from './outcome';
import { installCacheLine, logLine, nextProgress, TerminalRenderer, type BuildProgress } from './render';
import { notifyOutcome } from './notify';

export interface BuildRequest {
  /** Absolute directory that contains image.sh. */
  directory: string;
  /** Overrides makeimg.imgDirBase (a task's `imgDirBase`). */
  imgDirBase?: string;
  /** The terminal's name, to reveal it later. */
  terminalName: string;
  /** Build with --no-cache (also when makeimg.cache.enable is off). */
  noCache?: boolean;
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
}

export class BuildController implements vscode.Disposable {
  private current: RunningBuild | undefined;
  readonly listeners: BuildListener[] = [];
  private lastTerminalName: string | undefined;

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
    const renderer = new TerminalRenderer();
    if (this.current) {
      terminal.write(renderer.outcome({ kind: 'crashed', message: `a build of ${this.current.request.directory} is already running` }));
      return undefined;
    }
    const settings = readBuildSettings(vscode.Uri.file(request.directory));
    let argv: string[];
    try {
      argv = buildArgv({
        privilegeCommand: settings.privilegeCommand,
        nodePath: settings.nodePath || process.execPath,
        pipelineScript: join(this.extensionPath, 'dist', 'makeimg.js'),
        directory: request.directory,
        imgDirBase: request.imgDirBase ?? settings.imgDirBase,
        homeDirectory: homedir(),
        noCache: request.noCache || !settings.cacheEnable,
      });
    } catch (err) {
      terminal.write(renderer.outcome({ kind: 'invalid', message: (err as Error).message }));
      return undefined;
    }

    this.diagnostics.clear();
    for (const l of this.listeners) l.started();
    let progress: BuildProgress = { phase: 'starting' };
    this.status.running(progress);
    void vscode.commands.executeCommand('setContext', BUILDING_CONTEXT_KEY, true);
    this.lastTerminalName = request.terminalName;
    this.log.info(`[build] ${request.directory}: ${argv.map(quoteForDisplay).join(' ')}`);
    terminal.write(renderer.note(`makeimg: building ${request.directory}`));

    let installStart: StageEvent | undefined;
    const onEvent = (event: BuildEvent) => {
      if (event.type === 'stage' && event.stage === 'install' && event.state === 'start') installStart = event;
      terminal.write(renderer.event(event));
      const line = logLine(event);
      if (line) this.log[line.level](line.text);
      if (event.type === 'error') this.diagnostics.report(event);
      if (event.type === 'report') for (const l of this.listeners) l.report(event);
      const next = nextProgress(progress, event);
      if (next !== progress) this.status.running((progress = next));
    };
    let handle: BuildHandle;
    try {
      handle = launchBuild({
        argv,
        privilegeCommandLength: settings.privilegeCommand.length,
        onEvent,
        onOutput: (line, stream) => {
          terminal.write(renderer.output(line, stream));
          this.log[stream === 'stderr' ? 'warn' : 'info'](`[build] ${line}`);
        },
      });
    } catch (err) {
      this.finishUi();
      terminal.write(renderer.outcome({ kind: 'crashed', message: (err as Error).message }));
      return undefined;
    }

    const done = handle.done.then((outcome) => {
      terminal.write(renderer.outcome(outcome));
      this.log[outcome.kind === 'built' ? 'info' : outcome.kind === 'cancelled' ? 'warn' : 'error'](`[build] ${describeOutcome(outcome)}`);
      this.status.finished(outcome, installCacheLine(installStart));
      this.finishUi();
      void notifyOutcome(outcome, this.log);
      return outcome;
    });
    const running: RunningBuild = {
      request,
      done,
      cancel: () => {
        if (handle.cancelRequested) return;
        handle.cancel();
        this.status.running((progress = { phase: 'cancelling' }));
        terminal.write(renderer.note('Cancelling: asked makeimg to stop and clean up...'));
        this.log.warn('[build] cancel requested');
      },
    };
    this.current = running;
    return running;
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

function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
