/**
 * A child process of the archive stage (tar or a compressor): started with
 * given stdio, its stderr kept (the tail) for error messages, its end awaited,
 * and stopped for good on cancellation.
 */
import { spawn, type StdioOptions } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** Enough stderr to explain a failure, bounded so a chatty tool cannot fill memory. */
const STDERR_KEEP_BYTES = 16 * 1024;
/** How long a child gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 3000;

export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all. */
  startError?: Error;
}

export interface ArchiveChild {
  name: string;
  process: ChildProcess;
  /** Resolves once the process has exited and its stderr is fully read. Never rejects. */
  ended: Promise<ChildEnd>;
  /** The end of what it wrote to stderr, trimmed. */
  stderr(): string;
  /** SIGTERM, then SIGKILL if it is still there after a grace period; resolves when it is gone. */
  stop(): Promise<ChildEnd>;
}

export function startChild(
  name: string,
  program: string,
  args: string[],
  stdio: StdioOptions,
  env?: NodeJS.ProcessEnv,
): ArchiveChild {
  // Own process group: a terminal's Ctrl+C reaches only makeimg, which then aborts and stops us in order
  // (a cancellation, not a "tar was killed by SIGINT" failure).
  const child = spawn(program, args, { stdio, env, detached: true });
  let errText = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    errText = (errText + chunk).slice(-STDERR_KEEP_BYTES);
  });

  let exited = false;
  const ended = new Promise<ChildEnd>((resolve) => {
    child.once('error', (error) => {
      // 'error' without a pid: it never started, and no 'close' follows.
      if (child.pid === undefined) {
        exited = true;
        resolve({ code: null, signal: null, startError: error });
      }
    });
    child.once('close', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });

  const stop = async (): Promise<ChildEnd> => {
    if (!exited) {
      child.kill('SIGTERM');
      const escalate = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, KILL_GRACE_MS);
      await ended;
      clearTimeout(escalate);
    }
    return ended;
  };

  return { name, process: child, ended, stderr: () => errText.trim(), stop };
}

/** A one-line-plus-stderr description of how a child failed, or undefined if it succeeded. */
export function describeFailure(child: ArchiveChild, end: ChildEnd, doing: string): string | undefined {
  let how: string;
  if (end.startError) how = `could not be started (${end.startError.message})`;
  else if (end.signal) how = `was killed by ${end.signal}`;
  else if (end.code !== 0) how = `failed with exit code ${end.code}`;
  else return undefined;
  const stderr = child.stderr();
  return `${child.name} ${how} while ${doing}${stderr ? `:\n${stderr}` : ''}`;
}
