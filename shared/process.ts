/**
 * The one way the three programs run a process (ShellCheck, systemd-nspawn,
 * tar and compressors, the privilege command), on execa: an argv (never a
 * shell), an AbortSignal, a timeout, a kill grace period, output as lines
 * (with back-pressure: a line callback that returns a promise pauses reading
 * until it settles, so a slow consumer slows the child instead of filling
 * memory), optional input, and a typed outcome.
 *
 * What execa does not do, and this module adds:
 * - Stopping signals the whole process group (every child leads its own
 *   group), so a wrapper script's children or a container go too.
 * - Children die with their parent, even when it is killed with SIGKILL:
 *   each child is started through `setpriv --pdeathsig SIG` (util-linux,
 *   Essential in Debian), which sets PR_SET_PDEATHSIG before exec. This works
 *   whatever PID 1 is; a cgroup would need systemd as PID 1 or a writable
 *   cgroup tree, and a lease pipe would need every child to watch it. Where
 *   setpriv is missing (not Linux), children are started directly.
 *   The kernel delivers the signal when the thread that spawned the child
 *   exits: Node spawns from its main thread, so that is when Node exits.
 * - Line splitting with a maximum line length (shared/lines.ts).
 */
import { accessSync, constants, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Options, ResultPromise } from 'execa';
import { findOnPath } from './find-on-path';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './lines';

export type OutputStream = 'stdout' | 'stderr';

/** Takes lines of output; a returned promise means "busy": no more lines until it settles. */
export type LineSink = (stream: OutputStream, text: string) => void | Promise<void>;

export interface ProcessOptions {
  cwd?: string;
  /** Variables added to (or, when undefined, removed from) this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Aborting stops the process (outcome `cancelled`). */
  signal?: AbortSignal;
  /** Stops the process after this long (outcome `timedOut`). */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL when stopping; 0 sends SIGKILL at once. Default 3 s. */
  killGraceMs?: number;
  /**
   * The signal the child gets when this process dies. Default SIGKILL;
   * systemd-nspawn needs SIGTERM, the only signal on which it takes its
   * container down (after SIGKILL the container lives on, measured).
   */
  deathSignal?: 'SIGKILL' | 'SIGTERM';
  /** Written to stdin, which is then closed. */
  input?: string;
  /**
   * stdin: 'ignore' (default; with `input`: that text), 'pipe' (the handle's
   * `stdin` to write), 'inherit', or a stream or descriptor the child gets as it is.
   */
  stdin?: 'ignore' | 'pipe' | 'inherit' | Readable | Writable | number;
  /** stdout: 'pipe' (default: lines to onLine, chunks to onStdoutChunk, or collected), 'ignore', 'inherit', or a stream or descriptor the child gets as it is. */
  stdout?: 'pipe' | 'ignore' | 'inherit' | Writable | number;
  /** stderr: 'pipe' (default: lines to onLine, the end kept for the outcome) or 'inherit'. */
  stderr?: 'pipe' | 'inherit';
  /**
   * Own process group (default): stopping reaches everything the child
   * started, and a terminal's Ctrl+C reaches only us, who then stop it in
   * order. false for a child that shares our terminal (an interactive shell).
   */
  processGroup?: boolean;
  /** Each line of output; a returned promise pauses reading that stream until it settles. */
  onLine?: LineSink;
  /** Binary stdout, chunk by chunk, instead of lines; a returned promise pauses reading until it settles. */
  onStdoutChunk?: (chunk: Buffer) => void | Promise<void>;
  /** Collect stdout as text for the outcome instead of giving out lines (at most 64 MiB). */
  collectStdout?: boolean;
  /** Longer lines are given out in pieces. Default 64 KiB. */
  maxLineBytes?: number;
  /** Exit codes that mean success. Default [0]. */
  okExitCodes?: readonly number[];
  /** How much of the end of stderr the outcome keeps (for error messages). Default 16 KiB. */
  keepStderrBytes?: number;
}

export type ProcessOutcome =
  | { kind: 'ok'; exitCode: number; stdout: string; stderr: string }
  /** It ran and exited with another code, or was killed by a signal nobody here sent. */
  | { kind: 'failed'; exitCode?: number; signal?: NodeJS.Signals; reason: string; stdout: string; stderr: string }
  | { kind: 'cancelled'; stderr: string }
  | { kind: 'timedOut'; timeoutMs: number; stderr: string }
  /** It could not be started: not found, not executable. */
  | { kind: 'unavailable'; code: string; reason: string };

export interface RunningProcess {
  /** undefined when it never started. */
  readonly pid: number | undefined;
  /** With `stdin: 'pipe'`: the child's stdin. */
  readonly stdin: Writable | undefined;
  /** Settles once the process has exited and its output is read; rejects only when onLine threw. */
  readonly done: Promise<ProcessOutcome>;
  /** Stops it (SIGTERM to its group, SIGKILL after the grace period); resolves with the outcome. */
  stop(): Promise<ProcessOutcome>;
}

const DEFAULT_KILL_GRACE_MS = 3000;
const DEFAULT_KEEP_STDERR_BYTES = 16 * 1024;
const MAX_COLLECTED_STDOUT_BYTES = 64 * 1024 * 1024;
/** spawn errors that mean "cannot be started" rather than "failed". */
const CANNOT_START = new Set(['ENOENT', 'EACCES', 'ENOTDIR', 'ENOEXEC', 'ELOOP', 'ENAMETOOLONG']);

/** Runs argv to its end. */
export async function runProcess(argv: readonly string[], options: ProcessOptions = {}): Promise<ProcessOutcome> {
  return (await startProcess(argv, options)).done;
}

/** Starts argv; resolves once it is started (or could not be). */
export async function startProcess(argv: readonly string[], options: ProcessOptions = {}): Promise<RunningProcess> {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('startProcess: empty argv');
  if (options.signal?.aborted) return settled({ kind: 'cancelled', stderr: '' });
  const found = resolveProgram(program, options.cwd, options.env?.PATH ?? process.env.PATH);
  if (typeof found !== 'string') return settled(found);

  const { execa } = await loadExeca();
  const deathSignal = options.deathSignal ?? 'SIGKILL';
  const setpriv = setprivPath();
  const command = setpriv ? [setpriv, '--pdeathsig', deathSignal.slice(3), '--', found, ...args] : [found, ...args];
  const stdoutMode = options.stdout ?? 'pipe';
  const execaOptions: Options = {
    cwd: options.cwd,
    env: options.env,
    // A descriptor or a stream with one is handed to the child as it is (execa's types only name fds 0-9).
    stdin: (options.input !== undefined ? undefined : (options.stdin ?? 'ignore')) as Options['stdin'],
    input: options.input,
    stdout: stdoutMode as Options['stdout'],
    stderr: options.stderr ?? 'pipe',
    // Leader of its own process group (setsid).
    detached: options.processGroup ?? true,
    buffer: false,
    reject: false,
    encoding: 'buffer',
  };
  const child = execa(command[0]!, command.slice(1), execaOptions) as ResultPromise<Options>;
  // Writes to a stdin the child stopped reading (EPIPE) only mean it is gone: its exit says what happened.
  child.stdin?.on('error', () => undefined);
  return supervise(child, options);
}

function supervise(child: ResultPromise<Options>, options: ProcessOptions): RunningProcess {
  const pid = child.pid;
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (options.processGroup ?? true) signalProcessGroup(pid, signal);
    else if (pid) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  };
  let stopReason: 'cancelled' | 'timedOut' | undefined;
  let exited = false;
  let killTimer: NodeJS.Timeout | undefined;

  const stopGroup = (reason: 'cancelled' | 'timedOut'): void => {
    if (exited || stopReason) return;
    stopReason = reason;
    signalGroup(grace > 0 ? 'SIGTERM' : 'SIGKILL');
    if (grace > 0) killTimer = setTimeout(() => signalGroup('SIGKILL'), grace);
  };
  const onAbort = (): void => stopGroup('cancelled');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timeout = options.timeoutMs !== undefined ? setTimeout(() => stopGroup('timedOut'), options.timeoutMs) : undefined;

  const stderrTail = new Tail(options.keepStderrBytes ?? DEFAULT_KEEP_STDERR_BYTES);
  let stdout = '';
  let readError: unknown;
  const failReading = (e: unknown): void => {
    readError ??= e;
    stopGroup('cancelled');
  };
  const readers: Promise<void>[] = [];
  if (child.stderr) {
    readers.push(readLines(child, 'stderr', options, (text) => stderrTail.add(text)).catch(failReading));
  }
  if (child.stdout) {
    if (options.collectStdout) {
      readers.push(collect(child).then((text) => void (stdout = text), failReading));
    } else if (options.onStdoutChunk) {
      readers.push(readChunks(child, options.onStdoutChunk).catch(failReading));
    } else readers.push(readLines(child, 'stdout', options).catch(failReading));
  }

  const done = (async (): Promise<ProcessOutcome> => {
    const [result] = await Promise.all([child, ...readers]);
    exited = true;
    clearTimeout(timeout);
    clearTimeout(killTimer);
    options.signal?.removeEventListener('abort', onAbort);
    // What the leader left behind (a wrapper's children) goes with it.
    if (stopReason && (options.processGroup ?? true)) signalGroup('SIGKILL');
    if (readError !== undefined) throw readError;
    const stderr = stderrTail.text();
    if (stopReason === 'cancelled') return { kind: 'cancelled', stderr };
    if (stopReason === 'timedOut') return { kind: 'timedOut', timeoutMs: options.timeoutMs!, stderr };
    if (typeof result.exitCode === 'number') {
      if ((options.okExitCodes ?? [0]).includes(result.exitCode)) return { kind: 'ok', exitCode: result.exitCode, stdout, stderr };
      return { kind: 'failed', exitCode: result.exitCode, reason: `exit code ${result.exitCode}`, stdout, stderr };
    }
    if (result.signal) return { kind: 'failed', signal: result.signal, reason: `killed by ${result.signal}`, stdout, stderr };
    const cause = (result as { cause?: NodeJS.ErrnoException }).cause;
    const code = (result as { code?: string }).code ?? cause?.code ?? '';
    const reason = cause?.message ?? result.shortMessage ?? 'could not be started';
    if (pid === undefined && CANNOT_START.has(code)) return { kind: 'unavailable', code, reason };
    return { kind: 'failed', reason, stdout, stderr };
  })();
  // Nobody may be waiting yet (stop() first): a rejection is still reported to whoever awaits done.
  done.catch(() => undefined);

  return {
    pid,
    stdin: child.stdin ?? undefined,
    done,
    stop() {
      stopGroup('cancelled');
      return done;
    },
  };
}

/** Gives out the lines of one stream, waiting for onLine's promise (back-pressure) before reading on. */
async function readLines(
  child: ResultPromise<Options>,
  stream: OutputStream,
  options: ProcessOptions,
  alsoKeep?: (text: string) => void,
): Promise<void> {
  const splitter = new LineSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const give = async (lines: Iterable<string>): Promise<void> => {
    for (const line of lines) {
      alsoKeep?.(line);
      const pending = options.onLine?.(stream, line);
      if (pending) await pending;
    }
  };
  for await (const chunk of child.iterable({ from: stream, binary: true })) await give(splitter.push(chunk as Uint8Array));
  await give(splitter.end());
}

async function readChunks(child: ResultPromise<Options>, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  // The stream's own iterator: execa's iterable() costs more per chunk than a decompressor's 64 KiB chunks take to parse.
  for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
    const pending = onChunk(chunk);
    if (pending) await pending;
  }
}

async function collect(child: ResultPromise<Options>): Promise<string> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of child.iterable({ from: 'stdout', binary: true })) {
    bytes += (chunk as Uint8Array).length;
    if (bytes > MAX_COLLECTED_STDOUT_BYTES) throw new Error(`more than ${MAX_COLLECTED_STDOUT_BYTES} bytes of output`);
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The last `max` characters of the lines added, as text. Lines are kept as
 * they come and joined only when asked: re-cutting one string on every line
 * copied `max` characters per line (a flood of short stderr lines churned
 * gigabytes through the garbage collector).
 */
export class Tail {
  private lines: string[] = [];
  private first = 0;
  /** Characters kept from `first` on, each line with its '\n'. */
  private length = 0;
  constructor(private readonly max: number) {}
  add(line: string): void {
    const kept = line.length >= this.max ? line.slice(-this.max) : line;
    this.lines.push(kept);
    this.length += kept.length + 1;
    while (this.length - this.lines[this.first]!.length - 1 >= this.max) {
      this.length -= this.lines[this.first]!.length + 1;
      this.first += 1;
    }
    // Drop the lines that fell off once they are the larger part of the array.
    if (this.first > 1024 && this.first * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.first);
      this.first = 0;
    }
  }
  text(): string {
    return this.lines.slice(this.first).join('\n').concat('\n').slice(-this.max).trim();
  }
}

/**
 * Signals a process group (the child leads its own); falls back to the
 * process itself when it has no group of its own. False when neither exists.
 */
export function signalProcessGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (!pid) return false;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return true;
    } catch {
      // no such group: try the process
    }
  }
  return false;
}

function settled(outcome: ProcessOutcome): RunningProcess {
  const done = Promise.resolve(outcome);
  return { pid: undefined, stdin: undefined, done, stop: () => done };
}

/**
 * The file a program name or path runs: a name is looked up on PATH, a path
 * taken relative to cwd. Checked here because setpriv would report a missing
 * program as an exit code, not as "cannot be started".
 */
function resolveProgram(program: string, cwd: string | undefined, searchPath: string | undefined): string | ProcessOutcome {
  if (program.includes('\0'))
    return { kind: 'unavailable', code: 'EINVAL', reason: `${JSON.stringify(program)}: a program name cannot contain null bytes` };
  if (program.includes('/')) {
    const file = path.resolve(cwd ?? process.cwd(), program);
    const problem = notExecutable(file);
    return problem ? { kind: 'unavailable', code: problem, reason: `cannot run ${program}: ${problem}` } : file;
  }
  const found = findOnPath(program, searchPath ?? '');
  if (!found) return { kind: 'unavailable', code: 'ENOENT', reason: `${program} not found on PATH` };
  const problem = notExecutable(found);
  return problem ? { kind: 'unavailable', code: problem, reason: `cannot run ${found}: ${problem}` } : found;
}

function notExecutable(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return 'EACCES';
    accessSync(file, constants.X_OK);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'ENOENT';
  }
}

let setprivLookup: { path: string | undefined } | undefined;

function setprivPath(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  setprivLookup ??= { path: findOnPath('setpriv', `${process.env.PATH ?? ''}${path.delimiter}/usr/bin${path.delimiter}/bin`) };
  return setprivLookup.path;
}

let execaModule: Promise<typeof import('execa')> | undefined;

/**
 * execa is ESM-only with dependencies that only export `import` conditions,
 * so CommonJS code (the bundles, tests under tsx) loads it with import().
 */
function loadExeca(): Promise<typeof import('execa')> {
  execaModule ??= import('execa');
  return execaModule;
}
