/**
 * The one text rendering of the build's event stream (shared/events.ts):
 * makeimg's human output and the VS Code build terminal both use it, so
 * they show the same stage headings, times, sizes and error lines.
 *
 * Text that comes from image.sh (hook output, paths, messages quoting it)
 * is made visible: control characters are shown as `^[`, `^G`, `^M`, so a
 * hook cannot move the cursor, recolour or forge makeimg's own lines.
 * Colour is only ever added to makeimg's own words.
 */
import * as path from 'node:path';
import { STAGE_SPECS, type StageName } from './contract';
import { cachedNote, type BuildEvent, type ErrorEvent, type StageEvent } from './events';
import { reportSummary } from './report-text';
import { formatBytes, formatDuration, percent } from './units';

export type OutputStream = 'stdout' | 'stderr';

export interface TextSink {
  write(text: string, stream: OutputStream): void;
}

export interface BuildTextOptions {
  /** ANSI colours on makeimg's own words. */
  colour: boolean;
  /** Redraw the archive percentage in place (a terminal); a log or pipe gets none. */
  live: boolean;
  /** `\n` for a terminal or file, `\r\n` for VS Code's pseudoterminal. */
  eol?: string;
  /** image.sh paths in error lines are shown relative to this directory when inside it. */
  cwd?: string;
}

export type Tone = 'heading' | 'dim' | 'ok' | 'bad' | 'warn';

const SGR: Record<Tone, string> = { heading: '1;36', dim: '2', ok: '1;32', bad: '1;31', warn: '1;33' };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f\x80-\x9f]/g;

/**
 * `text` with every control character except TAB shown visibly: C0 and DEL
 * in caret notation (`^[` for ESC, `^M` for CR, `^J` for a newline), C1 as
 * `<U+009B>`. A trailing CR (CRLF line ends) is dropped.
 */
export function visible(text: string): string {
  const t = text.endsWith('\r') ? text.slice(0, -1) : text;
  return t.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x7f) return '^?';
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}

/** Each line of a possibly multi-line text from outside, made visible. */
function visibleLines(text: string): string[] {
  return text.split('\n').map(visible);
}

export function stageTitle(stage: StageName): string {
  return STAGE_SPECS[stage]?.title ?? stage;
}

/** `image.sh:9` (relative to `cwd` when inside it), or undefined when the event names no file. */
export function errorLocation(e: Pick<ErrorEvent, 'file' | 'line'>, cwd?: string): string | undefined {
  if (!e.file) return undefined;
  let file = e.file;
  if (cwd) {
    const rel = path.relative(cwd, e.file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) file = rel;
  }
  return visible(file) + (e.line ? `:${e.line}` : '');
}

export class BuildTextRenderer {
  private readonly eol: string;
  /** An archive percentage line is open and must be ended before other output. */
  private progressOpen = false;
  private lastPercent = -1;
  /** The pipeline's result line was shown (it already says built / failed / cancelled). */
  resultShown = false;

  constructor(
    private readonly sink: TextSink,
    private readonly options: BuildTextOptions,
  ) {
    this.eol = options.eol ?? '\n';
  }

  /** makeimg's own words in a tone (no colour without options.colour). */
  paint(tone: Tone, text: string): string {
    return this.options.colour ? `\x1b[${SGR[tone]}m${text}\x1b[0m` : text;
  }

  event(e: BuildEvent): void {
    switch (e.type) {
      case 'stage':
        this.line(this.stageLine(e), 'stdout');
        break;
      case 'log':
        this.line(`    ${visible(e.text)}`, e.stream);
        break;
      case 'progress': {
        if (!this.options.live || e.total <= 0) break;
        const p = percent(e.done, e.total);
        if (p === this.lastPercent) break;
        this.lastPercent = p;
        this.progressOpen = true;
        const clear = this.options.colour ? '\r\x1b[2K' : '\r';
        this.sink.write(
          `${clear}    ${this.paint('dim', `${stageTitle(e.stage)} ${p}% (${formatBytes(e.done)} of ${formatBytes(e.total)})`)}`,
          'stdout',
        );
        break;
      }
      case 'error':
        this.error(e);
        break;
      case 'report':
        // The report quotes paths from the image: each line made visible before it is painted.
        for (const l of reportSummary(e.report, {
          heading: (t) => this.paint('heading', visible(t)),
          dim: (t) => this.paint('dim', visible(t)),
          warn: (t) => this.paint('warn', visible(t)),
        }))
          this.line(`    ${l}`, 'stdout');
        break;
      case 'result': {
        this.resultShown = true;
        if (e.ok) {
          const size = e.bytes === undefined ? '' : ` (${formatBytes(e.bytes)})`;
          this.line(`${this.paint('ok', 'Built')} ${visible(e.imgPath ?? 'the image')}${size} in ${formatDuration(e.ms)}`, 'stdout');
          break;
        }
        const kept = e.kept?.length ? `; kept ${e.kept.map(visible).join(', ')}` : '';
        const word = e.cancelled ? this.paint('warn', 'Cancelled') : this.paint('bad', 'Failed');
        const why = e.cancelled && e.reason ? ` ${visible(e.reason)}` : '';
        const during = e.cancelled && e.stage ? ` during ${stageTitle(e.stage).toLowerCase()}` : '';
        this.line(`${word}${why}${during} after ${formatDuration(e.ms)}${kept}`, 'stderr');
        break;
      }
    }
  }

  /** `image.sh:9: error: message` (location first, for editors and problem matchers), or `makeimg: error: message`. */
  error(e: Pick<ErrorEvent, 'file' | 'line' | 'message'>): void {
    const where = errorLocation(e, this.options.cwd) ?? 'makeimg';
    const [first, ...rest] = visibleLines(e.message);
    this.line(`${where}: ${this.paint('bad', 'error:')} ${first}`, 'stderr');
    for (const l of rest) this.line(`    ${l}`, 'stderr');
  }

  /** A line that is not an event (stderr of pkexec, a crash trace): shown as it came, made visible. */
  foreign(text: string, stream: OutputStream): void {
    for (const l of visibleLines(text)) this.line(l, stream);
  }

  /** makeimg's own sentence in a tone. */
  say(text: string, tone: Tone, stream: OutputStream = 'stdout'): void {
    this.line(this.paint(tone, text), stream);
  }

  private stageLine(e: StageEvent): string {
    const title = stageTitle(e.stage);
    const tag = `[${e.index}/${e.total}]`;
    switch (e.state) {
      case 'start':
        return this.paint('heading', `==> ${tag} ${title}`) + (cachedNote(e) ? this.paint('dim', cachedNote(e)) : '');
      case 'end':
        return this.paint('dim', `    ${title} done${e.ms === undefined ? '' : ` in ${formatDuration(e.ms)}`}`);
      case 'skip':
        return this.paint('dim', `--> ${tag} ${title} skipped${e.reason ? `: ${visible(e.reason)}` : ''}`);
    }
  }

  private line(text: string, stream: OutputStream): void {
    if (this.progressOpen) this.sink.write(this.eol, 'stdout');
    this.progressOpen = false;
    this.sink.write(text + this.eol, stream);
  }
}
