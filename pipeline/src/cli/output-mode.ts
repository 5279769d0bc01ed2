/**
 * How makeimg writes for its reader: `--progress=auto|plain|tty|json`
 * (`--json` = `--progress=json`), colour by FORCE_COLOR / NO_COLOR / a TTY.
 */
import { BuildTextRenderer, type OutputStream } from '../../../shared/build-text';
import { encodeEvent, type BuildEvent } from '../../../shared/events';
import type { Paint } from '../../../shared/report-text';

export const PROGRESS_MODES = ['auto', 'plain', 'tty', 'json'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

export interface OutputMode {
  /** Events as NDJSON on stdout (for programs, e.g. the editor). */
  json: boolean;
  /** The archive percentage redrawn in place. */
  live: boolean;
  /** ANSI colours on makeimg's own words. */
  colour: boolean;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * FORCE_COLOR (https://force-color.org: set and not "0" forces colour, "0"
 * turns it off) wins over NO_COLOR (https://no-color.org), which wins over
 * the terminal test.
 */
export function colourWanted(terminal: boolean, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return terminal;
}

export function outputMode(progress: ProgressMode, stdout: Stream, env: NodeJS.ProcessEnv): OutputMode {
  if (progress === 'json') return { json: true, live: false, colour: false };
  const terminal = progress === 'tty' || (progress === 'auto' && Boolean(stdout.isTTY));
  return { json: false, live: terminal, colour: colourWanted(terminal, env) };
}

/** Renders one event; a returned promise means the output is full: emit nothing more until it settles. */
export type EventSink = (e: BuildEvent) => void | Promise<void>;

/**
 * Undefined when `streams` can take more, else a promise that settles once
 * they drained (or are gone: a closed stdout cancels the build elsewhere).
 * The build passes it back to the hook's output (shared/process.ts stops
 * reading), so a slow reader slows the hook instead of filling memory.
 */
export function drained(...streams: NodeJS.WritableStream[]): Promise<void> | undefined {
  const full = streams.filter((s) => (s as { writableNeedDrain?: boolean }).writableNeedDrain);
  if (full.length === 0) return undefined;
  return Promise.all(
    full.map(
      (s) =>
        new Promise<void>((resolve) => {
          const done = (): void => {
            s.off('drain', done);
            s.off('close', done);
            s.off('error', done);
            resolve();
          };
          s.on('drain', done);
          s.on('close', done);
          s.on('error', done);
        }),
    ),
  ).then(() => undefined);
}

/** Where a verb's events go: NDJSON on stdout, or the shared text renderer on stdout/stderr. */
export function eventSink(
  mode: OutputMode,
  stdout: Stream,
  stderr: Stream,
  cwd?: string,
): { emit: EventSink; renderer?: BuildTextRenderer } {
  if (mode.json) {
    return {
      emit: (e) => {
        stdout.write(encodeEvent(e));
        return drained(stdout);
      },
    };
  }
  const renderer = new BuildTextRenderer(
    { write: (text: string, stream: OutputStream) => void (stream === 'stderr' ? stderr : stdout).write(text) },
    { colour: mode.colour, live: mode.live, cwd },
  );
  return {
    emit: (e) => {
      renderer.event(e);
      return drained(stdout, stderr);
    },
    renderer,
  };
}

/** The report's colours (shared/report-text.ts) in this output mode. */
export function paintFor(mode: OutputMode): Paint {
  const wrap = (code: string) => (s: string) => (mode.colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { heading: wrap('1;36'), dim: wrap('2'), warn: wrap('1;31') };
}
