/**
 * Runs one build: spawns the argv (privilege command + pipeline), reads the
 * pipeline's NDJSON events from stdout, and maps how it ended to a
 * BuildOutcome. Plain Node (no 'vscode'), so the privilege test can run it as
 * an unprivileged user.
 *
 * Cancelling closes the pipeline's stdin: an unprivileged editor cannot signal
 * a root process, and the pipeline treats EOF on stdin as "stop".
 */
import { spawn } from 'node:child_process';
import { decodeEvent, type BuildEvent, type ErrorEvent, type ResultEvent } from '../../../shared/events';
import { LineSplitter } from '../../../shared/lines';
import { classifyOutcome, type BuildOutcome } from './outcome';

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

export function launchBuild(options: LaunchOptions): BuildHandle {
  const [command, ...args] = options.argv;
  if (command === undefined) throw new Error('launchBuild: empty argv');
  const privilegeCommand = options.argv.slice(0, options.privilegeCommandLength);
  let cancelRequested = false;
  let stderr = '';
  let result: ResultEvent | undefined;
  const errors: ErrorEvent[] = [];

  const child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  // Writes to a closed stdin are never made; an EPIPE here only means the child is gone.
  child.stdin.on('error', () => {});

  const stdoutLines = new LineSplitter((line) => {
    const event = decodeEvent(line);
    if (!event) {
      if (line.trim()) options.onOutput?.(line, 'stdout');
      return;
    }
    if (event.type === 'result') result = event;
    if (event.type === 'error') errors.push(event);
    options.onEvent(event);
  });
  const stderrLines = new LineSplitter((line) => {
    stderr = (stderr + line + '\n').slice(-STDERR_KEEP);
    options.onOutput?.(line, 'stderr');
  });
  child.stdout.on('data', (chunk: Buffer) => stdoutLines.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderrLines.push(chunk));

  const done = new Promise<BuildOutcome>((resolve) => {
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
      // 'close' does not follow a failed spawn on every Node version.
      if (child.pid === undefined) finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
    let finished = false;
    function finish(exitCode: number | null, signal: NodeJS.Signals | null): void {
      if (finished) return;
      finished = true;
      stdoutLines.flush();
      stderrLines.flush();
      resolve(classifyOutcome({ privilegeCommand, spawnError, exitCode, signal, stderr, result, errors, cancelRequested }));
    }
  });

  return {
    done,
    cancel() {
      if (cancelRequested) return;
      cancelRequested = true;
      child.stdin.end();
    },
    get cancelRequested() {
      return cancelRequested;
    },
  };
}
