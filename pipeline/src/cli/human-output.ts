/**
 * Renders build events: NDJSON for `--json` (one shared/events.ts event per
 * stdout line), or text for people: a heading per stage with its duration,
 * hook output as it comes, colour only on a TTY without NO_COLOR, and a
 * final line with the image path and size.
 */
import { STAGE_SPECS } from '../../../shared/contract';
import { cachedNote, encodeEvent, type BuildEvent } from '../../../shared/events';
import { formatBytes, percent } from '../../../shared/units';
import { reportSummary, type Paint } from '../../../shared/report-text';

export type EventSink = (e: BuildEvent) => void;

export function jsonRenderer(out: NodeJS.WritableStream): EventSink {
  return (e) => {
    out.write(encodeEvent(e));
  };
}

export { formatBytes };

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Colour when writing to a terminal, unless NO_COLOR is set (https://no-color.org). */
function useColour(stream: NodeJS.WritableStream & { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}

interface Styles {
  heading(s: string): string;
  dim(s: string): string;
  ok(s: string): string;
  bad(s: string): string;
}

function styles(colour: boolean): Styles {
  const wrap = (code: string) => (s: string) => (colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { heading: wrap('1;36'), dim: wrap('2'), ok: wrap('1;32'), bad: wrap('1;31') };
}

/** The report's colours on this stream. */
export function humanPaint(out: NodeJS.WritableStream & { isTTY?: boolean }, env: NodeJS.ProcessEnv): Paint {
  const s = styles(useColour(out, env));
  return { heading: s.heading, dim: s.dim, warn: s.bad };
}

export function humanRenderer(
  out: NodeJS.WritableStream & { isTTY?: boolean },
  err: NodeJS.WritableStream & { isTTY?: boolean },
  env: NodeJS.ProcessEnv,
): EventSink {
  const s = styles(useColour(out, env));
  const e2 = styles(useColour(err, env));
  const live = Boolean(out.isTTY);
  let progressShown = false;
  const endProgress = (): void => {
    if (progressShown) out.write('\n');
    progressShown = false;
  };
  return (e) => {
    switch (e.type) {
      case 'stage': {
        endProgress();
        const title = STAGE_SPECS[e.stage].title;
        const tag = `[${e.index}/${e.total}]`;
        if (e.state === 'start') out.write(s.heading(`==> ${tag} ${title}${cachedNote(e)}`) + '\n');
        else if (e.state === 'end') out.write(s.dim(`    ${title} done in ${formatDuration(e.ms ?? 0)}`) + '\n');
        else out.write(s.dim(`==> ${tag} ${title} skipped${e.reason ? `: ${e.reason}` : ''}`) + '\n');
        break;
      }
      case 'log':
        endProgress();
        (e.stream === 'stderr' ? err : out).write(`    ${e.text}\n`);
        break;
      case 'progress':
        // Redrawn in place on a terminal; a log file gets no progress noise.
        if (live && e.total > 0) {
          out.write(`\r    ${percent(e.done, e.total)}% (${formatBytes(e.done)} of ${formatBytes(e.total)})`);
          progressShown = true;
        }
        break;
      case 'error': {
        endProgress();
        const where = e.file ? ` (${e.file}${e.line ? `:${e.line}` : ''})` : '';
        err.write(e2.bad('makeimg: error: ') + e.message + where + '\n');
        break;
      }
      case 'report':
        endProgress();
        out.write(reportSummary(e.report, humanPaint(out, env)).map((l) => `    ${l}\n`).join(''));
        break;
      case 'result':
        endProgress();
        if (e.ok) {
          const size = e.bytes !== undefined ? ` (${formatBytes(e.bytes)})` : '';
          out.write(s.ok('Built ') + `${e.imgPath}${size} in ${formatDuration(e.ms)}\n`);
        } else {
          const what = e.cancelled ? 'Cancelled' : 'Failed';
          const kept = e.kept?.length ? `; kept ${e.kept.join(', ')}` : '; nothing was kept';
          err.write(e2.bad(what) + ` after ${formatDuration(e.ms)}${kept}\n`);
        }
        break;
    }
  };
}
