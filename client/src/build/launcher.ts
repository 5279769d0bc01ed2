/**
 * Runs one build: spawns the argv (privilege command + pipeline), reads the
 * pipeline's NDJSON events from stdout, and maps how it ended to a
 * BuildOutcome. Plain Node (no 'vscode'), so the privilege test can run it as
 * an unprivileged user.
 *
 * Cancelling closes the pipeline's stdin: an unprivileged editor cannot signal
 * a root process, and the pipeline treats EOF on stdin as "stop".
 */
import { decodeEvent, type BuildEvent, type ErrorEvent, type ResultEvent } from '../../../shared/events';
import { startProcess, type ProcessOutcome } from '../../../shared/process';
import { classifyOutcome, type BuildOutcome, type ProcessEnd } from './outcome';

export interface LaunchOptions {
  argv: readonly string[];
  /** How many leading argv elements are the privilege command (for outcome mapping). */
  privilegeCommandLength: number;
  cwd?: string;
  onEvent(event: BuildEvent): void;
  /** Output that is not an event: stderr lines, and stdout lines that do not parse. */
  onOutput?(line: string, stream: 'stdout' | 'stderr'): void;
}

export interface BuildHandle {
  readonly done: Promise<BuildOutcome>;
  /** Asks the pipeline to stop (idempotent); `done` settles once it has. */
  cancel(): void;
  readonly cancelRequested: boolean;
}

/** Enough stderr to recognise pkexec/sudo messages and show the last words of a crash. */
const STDERR_KEEP = 64 * 1024;
/** Longer than any event line the pipeline writes (its log lines are capped far below this). */
const EVENT_LINE_MAX = 16 * 1024 * 1024;

export function launchBuild(options: LaunchOptions): BuildHandle {
  if (options.argv.length === 0) throw new Error('launchBuild: empty argv');
  const privilegeCommand = options.argv.slice(0, options.privilegeCommandLength);
  let cancelRequested = false;
  let result: ResultEvent | undefined;
  const errors: ErrorEvent[] = [];

  const started = startProcess(options.argv, {
    cwd: options.cwd,
    stdin: 'pipe',
    maxLineBytes: EVENT_LINE_MAX,
    keepStderrBytes: STDERR_KEEP,
    onLine: (stream, line) => {
      const event = stream === 'stdout' ? decodeEvent(line) : undefined;
      if (!event) {
        if (stream === 'stderr' || line.trim()) options.onOutput?.(line, stream);
        return;
      }
      if (event.type === 'result') result = event;
      if (event.type === 'error') errors.push(event);
      options.onEvent(event);
    },
  });

  const done = started.then(async (child) => {
    if (cancelRequested) child.stdin?.end();
    const end = await child.done;
    return classifyOutcome({ privilegeCommand, ...processEnd(end), result, errors, cancelRequested });
  });

  return {
    done,
    cancel() {
      if (cancelRequested) return;
      cancelRequested = true;
      void started.then((child) => child.stdin?.end());
    },
    get cancelRequested() {
      return cancelRequested;
    },
  };
}

/** How a run of the privilege command ended, for classifyOutcome (no timer, no abort signal: cancelled and timedOut do not occur). */
export function processEnd(end: ProcessOutcome): Pick<ProcessEnd, 'spawnError' | 'exitCode' | 'signal' | 'stderr'> {
  switch (end.kind) {
    case 'unavailable':
      return { spawnError: Object.assign(new Error(end.reason), { code: end.code }), exitCode: null, signal: null, stderr: '' };
    case 'ok':
      return { exitCode: end.exitCode, signal: null, stderr: end.stderr };
    case 'failed':
      return { exitCode: end.exitCode ?? null, signal: end.signal ?? null, stderr: end.stderr };
    case 'cancelled':
    case 'timedOut':
      return { exitCode: null, signal: 'SIGTERM', stderr: end.stderr };
  }
}
