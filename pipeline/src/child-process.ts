/**
 * Runs one program (systemd-nspawn) with its output streamed line by line,
 * and stops it when the build is cancelled: SIGTERM to its process group
 * (nspawn then SIGKILLs the container's PID 1, which ends every process in
 * the container and its mount namespace), SIGKILL if it lingers.
 */
import { spawn } from 'node:child_process';
import { LineSplitter } from '../../shared/lines';
import { signalProcessGroup } from '../../shared/process-group';

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

export function runChild(argv: string[], opts: RunChildOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) {
      resolve({ aborted: true });
      return;
    }
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out = new LineSplitter((l) => opts.onLine('stdout', l));
    const err = new LineSplitter((l) => opts.onLine('stderr', l));
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      aborted = true;
      signalProcessGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalProcessGroup(child.pid, 'SIGKILL'), opts.killAfterMs ?? 5000);
    };
    opts.signal.addEventListener('abort', stop, { once: true });
    child.on('error', (e) => {
      opts.signal.removeEventListener('abort', stop);
      reject(e);
    });
    child.on('close', (code, sig) => {
      opts.signal.removeEventListener('abort', stop);
      if (killTimer) clearTimeout(killTimer);
      out.flush();
      err.flush();
      resolve({ code: code ?? undefined, signal: sig ?? undefined, aborted });
    });
  });
}
