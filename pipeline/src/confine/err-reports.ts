/**
 * Where a hook failed. Both hook drivers run with `set -eE` and an ERR trap
 * (drivers/common.bash)
 * that writes, for each failing command, its status, subshell level and
 * call stack (function, file, line per frame) as a marked line on a copy of
 * stderr. The host keeps those lines out of the hook's output, picks the
 * report of the command that stopped the hook and names its image.sh line
 * and the calls that led to it.
 */
import { randomBytes } from 'node:crypto';
import type { LineSink, OutputStream } from '../../../shared/process';

/** One function frame of the ERR trap's report, innermost first. */
export interface Frame {
  func: string;
  file: string;
  /** The failing command's line (innermost frame) or the line of the call to the inner frame. */
  line: number;
}

export interface ErrReport {
  status: number;
  /** $BASH_SUBSHELL: 0 in the hook's own shell. */
  subshell: number;
  /** The failing command's text ($BASH_COMMAND), unescaped. */
  command: string;
  frames: Frame[];
}

/** The trap's escapes (\\, \t, \n) undone. */
function unescapeCommand(text: string): string {
  return text.replace(/\\([\\tn])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : '\\'));
}

/** Longest command text shown in a failure message. */
const COMMAND_CHARS = 120;

/** A command for one line of a message: its first line, cut at 120 characters. */
export function shownCommand(command: string): string {
  const lines = command.trim().split('\n');
  const first = lines[0]!.trimEnd();
  const cut = first.length > COMMAND_CHARS ? first.slice(0, COMMAND_CHARS) : first;
  return cut.length < command.trim().length ? `${cut} ...` : cut;
}

/** The report of a stderr line written by the trap, or undefined for any other line. */
export function parseErrReport(text: string, marker: string): ErrReport | undefined {
  const fields = text.split('\t');
  if (fields[0] !== marker || fields.length < 4) return undefined;
  const frames: Frame[] = [];
  for (let i = 4; i + 2 < fields.length; i += 3) {
    frames.push({ func: fields[i]!, file: fields[i + 1]!, line: Number(fields[i + 2]) });
  }
  return { status: Number(fields[1]), subshell: Number(fields[2]), command: unescapeCommand(fields[3]!), frames };
}

function sameFrame(a: Frame, b: Frame): boolean {
  return a.func === b.func && a.file === b.file && a.line === b.line;
}

/**
 * Whether `earlier` is the failure that made `later` fail: a command in a
 * subshell or function called by `later`'s failing command, i.e. `later`'s
 * stack with more frames inside (or the same stack one subshell deeper).
 * A report that only shares the function (a failure that did not stop the
 * hook, like `local v=$(false)`) has another line there and is not.
 */
function explains(earlier: ErrReport, later: ErrReport): boolean {
  const inner = earlier.frames.length - later.frames.length;
  if (earlier.subshell < later.subshell || inner < 0) return false;
  if (inner === 0 && earlier.subshell === later.subshell) return false;
  return later.frames.every((f, k) => sameFrame(earlier.frames[inner + k]!, f));
}

/**
 * The report of the command that failed the hook. The trap fires once per
 * failing command, also in subshells and command substitutions whose failure
 * the hook ignored; the shell itself stops at its first report, the last
 * one. From there, the reports just before it that explain it lead to the
 * innermost failing command.
 */
export function failingReport(reports: readonly ErrReport[]): ErrReport | undefined {
  let i = reports.length - 1;
  if (i < 0 || reports[i]!.subshell !== 0) return undefined; // the hook ended another way (exit, return)
  while (i > 0 && explains(reports[i - 1]!, reports[i]!)) i--;
  return reports[i];
}

/** Frames inside image.sh code: up to the hook, without makeimg's driver. */
function hookFrames(r: ErrReport, hook: string): Frame[] {
  const end = r.frames.findIndex((f) => f.func === hook);
  return end === -1 ? [] : r.frames.slice(0, end + 1);
}

export interface HookFailure {
  /** image.sh line of the failing command, else of the innermost call leading to it that is known. */
  line?: number;
  /** e.g. "in helper, called from do_postinstall at line 14"; empty when the command failed in the hook itself. */
  where: string;
  /** The failing command as shown in the message (shownCommand), when the trap reported one. */
  command?: string;
}

/**
 * Where a hook failure happened, from the report of the failing command.
 * `imageFile` is the path under which bash knows image.sh's code: frames in
 * any other file (makeimg's driver, a file image.sh sources) have no line.
 */
export function locateFailure(r: ErrReport | undefined, hook: string, imageFile: string): HookFailure {
  const mappedLine = (f: Frame): number | undefined =>
    f.file === imageFile && Number.isInteger(f.line) && f.line > 0 ? f.line : undefined;
  const frames = r ? hookFrames(r, hook) : [];
  const line = frames.map(mappedLine).find((l) => l !== undefined);
  const command = r?.command.trim() ? shownCommand(r.command) : undefined;
  if (frames.length < 2) return { line, where: '', command };
  const callers = frames.slice(1).map((f, i) => {
    const at = mappedLine(f);
    return `${i === 0 ? 'called from' : 'from'} ${f.func}${at ? ` at line ${at}` : ''}`;
  });
  const inner = `in ${frames[0]!.func}${mappedLine(frames[0]!) === undefined ? ' (line unknown)' : ''}`;
  return { line, where: [inner, ...callers].join(', '), command };
}

/** A fresh marker for one hook run, so the hook's own output is never taken for a report. */
export function newErrMarker(): string {
  return `makeimg-err-${randomBytes(8).toString('hex')}`;
}

/** ERR reports kept from one hook run: enough for any call chain. */
const MAX_REPORTS = 64;
/** The hook's last stderr lines kept for the failure message (the cause is usually there). */
const STDERR_TAIL_LINES = 3;
const STDERR_TAIL_LINE_CHARS = 300;

/**
 * Splits a hook's output into its own lines (passed on) and the trap's
 * reports (kept, never shown).
 */
export function errReportCollector(
  marker: string,
  onLine: LineSink,
): {
  onLine: LineSink;
  reports: ErrReport[];
  /** The hook's last non-empty stderr lines (at most 3, each cut at 300 characters). */
  stderrTail: string[];
  /** The driver said the hook returned (drivers/common.bash __makeimg_hook_done). */
  hookReturned: () => boolean;
} {
  const reports: ErrReport[] = [];
  const stderrTail: string[] = [];
  const done = `${marker}\tdone`;
  let returned = false;
  // The driver writes a line break before each marked line (common.bash), so the marker starts a
  // line even after stderr that ended without one: an empty stderr line waits here until the next
  // stderr line says whether it was the hook's or that line break.
  let heldEmpty = false;
  const marked = (text: string): boolean => {
    if (text === done) {
      returned = true;
      return true;
    }
    const report = parseErrReport(text, marker);
    if (report && reports.push(report) > MAX_REPORTS) reports.shift();
    return report !== undefined;
  };
  const pass = (stream: OutputStream, text: string): void | Promise<void> => {
    if (stream === 'stderr' && text.trim()) {
      const line = text.length > STDERR_TAIL_LINE_CHARS ? `${text.slice(0, STDERR_TAIL_LINE_CHARS)}...` : text;
      if (stderrTail.push(line.trim()) > STDERR_TAIL_LINES) stderrTail.shift();
    }
    return onLine(stream, text);
  };
  return {
    reports,
    stderrTail,
    hookReturned: () => returned,
    onLine: (stream, text) => {
      if (stream !== 'stderr') return pass(stream, text);
      const wasHeld = heldEmpty;
      heldEmpty = false;
      if (marked(text)) return;
      const held = wasHeld ? pass('stderr', '') : undefined;
      if (text === '') {
        heldEmpty = true;
        return held;
      }
      return held ? held.then(() => pass(stream, text)) : pass(stream, text);
    },
  };
}
