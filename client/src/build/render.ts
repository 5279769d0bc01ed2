/**
 * Pure rendering of build events: the task terminal's coloured text, the
 * output channel's plain lines, and the status bar's text. No 'vscode' here,
 * so every format is unit-tested.
 */
import { STAGE_SPECS, type StageName } from '../../../shared/contract';
import { cachedNote, type BuildEvent, type StageEvent } from '../../../shared/events';
import { inBinaryUnits, percent } from '../../../shared/units';
import { reportSummary } from '../../../shared/report-text';
import { describeOutcome, type BuildOutcome } from './outcome';

const ESC = '\x1b[';
const paint = (code: string) => (text: string) => `${ESC}${code}m${text}${ESC}0m`;
export const ansi = {
  bold: paint('1'),
  dim: paint('2'),
  red: paint('31'),
  green: paint('32'),
  yellow: paint('33'),
  cyan: paint('36'),
  boldRed: paint('1;31'),
  boldCyan: paint('1;36'),
};
/** Carriage return + erase line: lets the archive percentage update in place. */
const CLEAR_LINE = `\r${ESC}2K`;

export function formatBytes(bytes: number): string {
  const { value, unit } = inBinaryUnits(bytes);
  return unit === 'B' ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${unit}`;
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

function stageTitle(stage: StageName): string {
  return STAGE_SPECS[stage]?.title ?? stage;
}

function place(e: { file?: string; line?: number }): string {
  if (!e.file) return '';
  const name = e.file.slice(e.file.lastIndexOf('/') + 1);
  return e.line ? ` (${name}:${e.line})` : ` (${name})`;
}

/** Terminal text (CRLF line ends, ANSI colours) for a stream of events. */
export class TerminalRenderer {
  /** An archive percentage line is open and must be ended before other output. */
  private progressOpen = false;
  private lastPercent = -1;
  /** The pipeline's result line was printed (it already says built/cancelled). */
  private resultShown = false;

  event(e: BuildEvent): string {
    switch (e.type) {
      case 'stage':
        return this.line(stageLine(e));
      case 'log':
        return this.line(e.text);
      case 'progress': {
        // Nothing to measure (an empty tree): no percentage to show.
        if (e.total <= 0) return '';
        const p = percent(e.done, e.total);
        if (p === this.lastPercent) return '';
        this.lastPercent = p;
        this.progressOpen = true;
        return `${CLEAR_LINE}  ${ansi.dim(`${e.stage} ${p}% (${formatBytes(e.done)} of ${formatBytes(e.total)})`)}`;
      }
      case 'error':
        return this.line(ansi.boldRed(`✗ ${e.message}${place(e)}`));
      case 'report':
        return this.line(reportSummary(e.report, { heading: ansi.bold, dim: ansi.dim, warn: ansi.yellow }).join('\n'));
      case 'result':
        this.resultShown = true;
        if (e.ok) {
          const size = e.bytes === undefined ? '' : ` (${formatBytes(e.bytes)})`;
          return this.line(ansi.green(`✓ Built ${e.imgPath ?? 'the image'}${size} in ${formatDuration(e.ms)}`));
        }
        return this.line((e.cancelled ? ansi.yellow : ansi.red)(
          `${e.cancelled ? 'Cancelled' : 'Failed'} after ${formatDuration(e.ms)}` +
          (e.kept?.length ? `; kept ${e.kept.join(', ')}` : '')));
    }
  }

  /** A line that is not an event (stderr of pkexec, a crash trace). */
  output(line: string, stream: 'stdout' | 'stderr'): string {
    return this.line(stream === 'stderr' ? ansi.yellow(line) : line);
  }

  /** The closing line: how the build ended, coloured by outcome. */
  outcome(outcome: BuildOutcome): string {
    // The result line already said it, with size or what was kept, and the time.
    if (outcome.kind === 'built' || (outcome.kind === 'cancelled' && this.resultShown)) return '';
    const colour = outcome.kind === 'cancelled' ? ansi.yellow : ansi.boldRed;
    return this.line(colour(describeOutcome(outcome)));
  }

  note(text: string): string {
    return this.line(ansi.dim(text));
  }

  private line(text: string): string {
    const prefix = this.progressOpen ? '\r\n' : '';
    this.progressOpen = false;
    return prefix + text.replace(/\r?\n/g, '\r\n') + '\r\n';
  }
}

function stageLine(e: StageEvent): string {
  const title = `${stageTitle(e.stage)} (${e.index}/${e.total})`;
  switch (e.state) {
    case 'start':
      return ansi.boldCyan(`▶ ${title}`) + ansi.dim(cachedNote(e));
    case 'end':
      return ansi.dim(`  ${stageTitle(e.stage)} done${e.ms === undefined ? '' : ` in ${formatDuration(e.ms)}`}`);
    case 'skip':
      return ansi.dim(`– ${title} skipped${e.reason ? `: ${e.reason}` : ''}`);
  }
}

export type LogLevel = 'info' | 'warn' | 'error';

/** The output channel's line for an event (the channel adds the timestamp), or undefined to skip it. */
export function logLine(e: BuildEvent): { level: LogLevel; text: string } | undefined {
  switch (e.type) {
    case 'stage': {
      const title = `${e.stage} (${e.index}/${e.total})`;
      if (e.state === 'start') return { level: 'info', text: `[build] ${title} started${cachedNote(e)}` };
      if (e.state === 'end') return { level: 'info', text: `[build] ${title} done${e.ms === undefined ? '' : ` in ${formatDuration(e.ms)}`}` };
      return { level: 'info', text: `[build] ${title} skipped${e.reason ? `: ${e.reason}` : ''}` };
    }
    case 'log':
      return { level: 'info', text: `[${e.stage}] ${stripAnsi(e.text)}` };
    case 'progress':
      // The terminal shows the percentage; the log would only fill up.
      return undefined;
    case 'error':
      return { level: 'error', text: `[build] ${e.message}${place(e)}` };
    case 'report':
      return { level: e.report.findings.length ? 'warn' : 'info', text: reportSummary(e.report).map((l) => `[report] ${l}`).join('\n') };
    case 'result':
      if (e.ok) return { level: 'info', text: `[build] built ${e.imgPath ?? ''}${e.bytes === undefined ? '' : ` (${formatBytes(e.bytes)})`} in ${formatDuration(e.ms)}` };
      return { level: e.cancelled ? 'warn' : 'error', text: `[build] ${e.cancelled ? 'cancelled' : 'failed'} after ${formatDuration(e.ms)}${e.kept?.length ? `; kept ${e.kept.join(', ')}` : ''}` };
  }
}

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');
}

/** The status bar tooltip's line about the install stage, from its start event (undefined: no install cache in play). */
export function installCacheLine(e: StageEvent | undefined): string | undefined {
  if (e?.cached === undefined) return undefined;
  return e.cached
    ? `Install restored from the cache${cachedNote(e)}`
    : 'Install ran do_install (not cached; saved for the next build)';
}

/** What the status bar shows while a build runs. */
export type BuildProgress =
  | { phase: 'starting' }
  | { phase: 'stage'; stage: StageName; index: number; total: number; percent?: number }
  | { phase: 'cancelling' };

export function nextProgress(progress: BuildProgress, e: BuildEvent): BuildProgress {
  if (progress.phase === 'cancelling') return progress;
  if (e.type === 'stage' && e.state === 'start') return { phase: 'stage', stage: e.stage, index: e.index, total: e.total };
  if (e.type === 'progress' && e.total > 0 && progress.phase === 'stage' && progress.stage === e.stage) {
    return { ...progress, percent: percent(e.done, e.total) };
  }
  return progress;
}

export function runningStatusText(progress: BuildProgress): string {
  switch (progress.phase) {
    case 'starting':
      return '$(sync~spin) makeimg: starting';
    case 'cancelling':
      return '$(sync~spin) makeimg: cancelling';
    case 'stage':
      return `$(sync~spin) makeimg: ${progress.stage} (${progress.index}/${progress.total})` +
        (progress.percent === undefined ? '' : ` ${progress.percent}%`);
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
