/**
 * The build's status bar item: a spinner with the stage while a build runs,
 * then a check with the size or an error icon for a few seconds. Clicking it
 * shows the build's log.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../../../shared/ids-and-settings';
import type { BuildOutcome } from './outcome';
import { finishedStatusText, runningStatusText, type BuildProgress } from './render';
import { describeOutcome } from './outcome';

/** How long the result stays visible after a build. */
const RESULT_VISIBLE_MS = 10_000;

export class BuildStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('makeimg.build', vscode.StatusBarAlignment.Left, 0);
  private hideTimer: NodeJS.Timeout | undefined;
  private reportOffered: number | undefined;

  constructor() {
    this.item.name = 'makeimg build';
    this.item.command = COMMANDS.showLog;
  }

  /** After a build with a report: clicking shows the report (with the number of findings in the tooltip). */
  offerReport(findings: number): void {
    this.reportOffered = findings;
  }

  /** `image`: what is built, named in a multi-root workspace. */
  running(progress: BuildProgress, image?: string): void {
    this.clearTimer();
    this.reportOffered = undefined;
    this.item.command = COMMANDS.showLog;
    this.item.text = runningStatusText(progress, image);
    this.item.tooltip = 'makeimg is building; click to show the build (and cancel it)';
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  /** `installCache`: whether the install stage was restored from the cache (installCacheLine). */
  finished(outcome: BuildOutcome, installCache?: string): void {
    this.clearTimer();
    this.item.text = finishedStatusText(outcome);
    this.item.tooltip = installCache ? `${describeOutcome(outcome)}\n${installCache}` : describeOutcome(outcome);
    this.item.backgroundColor =
      outcome.kind === 'built' || outcome.kind === 'cancelled' ? undefined : new vscode.ThemeColor('statusBarItem.errorBackground');
    this.item.show();
    this.hideTimer = setTimeout(() => this.item.hide(), RESULT_VISIBLE_MS);
  }

  /** Drops the last build's result, so nobody mistakes it for the next build's. */
  clear(): void {
    this.clearTimer();
    this.item.hide();
  }

  dispose(): void {
    this.clearTimer();
    this.item.dispose();
  }

  private clearTimer(): void {
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.hideTimer = undefined;
  }
}
