/**
 * Runs one program (systemd-nspawn) with its output streamed line by line,
 * and stops it when the build is cancelled: SIGTERM to its process group
 * (nspawn then SIGKILLs the container's PID 1, which ends every process in
 * the container and its mount namespace), SIGKILL if it lingers.
 */
import { spawn } from 'node:child_process';

export type Stream = 'stdout' | 'stderr';

export interface ChildResult {
  /** Exit status, or undefined when killed by a signal. */
  code?: number;
  signal?: NodeJS.Signals;
  /** The run was stopped because `signal` aborted. */
  aborted: boolean;
}

export interface RunChildOptions {
  signal: AbortSignal;
  onLine: (stream: Stream, text: string) => void;
  /** Grace period between SIGTERM and SIGKILL. */
  killAfterMs?: number;
}

/** Splits a byte stream into lines; the last partial line is flushed at the end. */
function lineSplitter(emit: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) emit(l.replace(/\r$/, ''));
    },
    end() {
      if (pending) emit(pending);
      pending = '';
    },
  };
}

export function runChild(argv: string[], opts: RunChildOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) {
      resolve({ aborted: true });
      return;
    }
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out = lineSplitter((l) => opts.onLine('stdout', l));
    const err = lineSplitter((l) => opts.onLine('stderr', l));
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      aborted = true;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), opts.killAfterMs ?? 5000);
    };
    opts.signal.addEventListener('abort', stop, { once: true });
    child.on('error', (e) => {
      opts.signal.removeEventListener('abort', stop);
      reject(e);
    });
    child.on('close', (code, sig) => {
      opts.signal.removeEventListener('abort', stop);
      if (killTimer) clearTimeout(killTimer);
      out.end();
      err.end();
      resolve({ code: code ?? undefined, signal: sig ?? undefined, aborted });
    });
  });
}

function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone
  }
}
