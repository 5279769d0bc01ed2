/**
 * Pure rendering of build events for the editor: the task terminal (through
 * the shared renderer the CLI uses too), the output channel's lines, and the
 * status bar's text. No 'vscode' here, so every format is unit-tested.
 */
import { BuildTextRenderer, errorLocation, visible } from '../../../shared/build-text';
import type { StageName } from '../../../shared/contract';
import { cachedNote, type BuildEvent, type StageEvent } from '../../../shared/events';
import { reportSummary } from '../../../shared/report-text';
import { formatBytes, formatDuration, percent } from '../../../shared/units';
import { describeOutcome, type BuildOutcome } from './outcome';

/** The build terminal: the shared renderer (shared/build-text.ts) writing CRLF text with colours. */
export function terminalRenderer(write: (text: string) => void, directory?: string): BuildTextRenderer {
  return new BuildTextRenderer({ write }, { colour: true, live: true, eol: '\r\n', cwd: directory });
}

/** The terminal's closing line when the pipeline's own result line did not already say how it ended. */
export function writeOutcome(renderer: BuildTextRenderer, outcome: BuildOutcome): void {
  if (outcome.kind === 'built' || renderer.resultShown) return;
  renderer.say(describeOutcome(outcome), outcome.kind === 'cancelled' ? 'warn' : 'bad', 'stderr');
}

export type LogLevel = 'info' | 'warn' | 'error';

/** The output channel's line for an event (the channel adds the timestamp), or undefined to skip it. */
export function logLine(e: BuildEvent): { level: LogLevel; text: string } | undefined {
  switch (e.type) {
    case 'stage': {
      const title = `${e.stage} (${e.index}/${e.total})`;
      if (e.state === 'start') return { level: 'info', text: `[build] ${title} started${cachedNote(e)}` };
      if (e.state === 'end')
        return { level: 'info', text: `[build] ${title} done${e.ms === undefined ? '' : ` in ${formatDuration(e.ms)}`}` };
      return { level: 'info', text: `[build] ${title} skipped${e.reason ? `: ${e.reason}` : ''}` };
    }
    case 'log':
      return { level: 'info', text: `[${e.stage}] ${visible(e.text)}` };
    case 'progress':
      // The terminal shows the percentage; the log would only fill up.
      return undefined;
    case 'error':
      return { level: 'error', text: `[build] ${errorLocation(e) ? `${errorLocation(e)}: ` : ''}${visible(e.message)}` };
    case 'report':
      return {
        level: e.report.findings.length ? 'warn' : 'info',
        text: reportSummary(e.report)
          .map((l) => `[report] ${l}`)
          .join('\n'),
      };
    case 'result':
      if (e.ok)
        return {
          level: 'info',
          text: `[build] built ${e.imgPath ?? ''}${e.bytes === undefined ? '' : ` (${formatBytes(e.bytes)})`} in ${formatDuration(e.ms)}`,
        };
      return {
        level: e.cancelled ? 'warn' : 'error',
        text: `[build] ${e.cancelled ? 'cancelled' : 'failed'} after ${formatDuration(e.ms)}${e.kept?.length ? `; kept ${e.kept.join(', ')}` : ''}`,
      };
  }
}

/** The status bar tooltip's line about the install stage, from its start event (undefined: no install cache in play). */
export function installCacheLine(e: StageEvent | undefined): string | undefined {
  if (e?.cached === undefined) return undefined;
  return e.cached ? `Install restored from the cache${cachedNote(e)}` : 'Install ran do_install (not cached; saved for the next build)';
}

/** What the status bar shows while a build runs. */
export type BuildProgress =
  { phase: 'starting' } | { phase: 'stage'; stage: StageName; index: number; total: number; percent?: number } | { phase: 'cancelling' };

export function nextProgress(progress: BuildProgress, e: BuildEvent): BuildProgress {
  if (progress.phase === 'cancelling') return progress;
  if (e.type === 'stage' && e.state === 'start') return { phase: 'stage', stage: e.stage, index: e.index, total: e.total };
  if (e.type === 'progress' && e.total > 0 && progress.phase === 'stage' && progress.stage === e.stage) {
    return { ...progress, percent: percent(e.done, e.total) };
  }
  return progress;
}

/** `image` names what is built (in a multi-root workspace several image.sh may be). */
export function runningStatusText(progress: BuildProgress, image?: string): string {
  const head = `$(sync~spin) makeimg: ${image ? `${image} · ` : ''}`;
  switch (progress.phase) {
    case 'starting':
      return `${head}starting`;
    case 'cancelling':
      return `${head}cancelling`;
    case 'stage':
      return (
        `${head}${progress.stage} (${progress.index}/${progress.total})` + (progress.percent === undefined ? '' : ` ${progress.percent}%`)
      );
  }
}

/** The status bar after a build: a check with the size, or why it did not build. */
export function finishedStatusText(outcome: BuildOutcome): string {
  switch (outcome.kind) {
    case 'built':
      return `$(check) makeimg: ${outcome.result.bytes === undefined ? 'built' : formatBytes(outcome.result.bytes)}`;
    case 'cancelled':
      return '$(circle-slash) makeimg: cancelled';
    case 'failed':
      return '$(error) makeimg: build failed';
    default:
      return '$(error) makeimg: not built';
  }
}
