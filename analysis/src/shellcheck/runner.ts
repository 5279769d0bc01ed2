/**
 * Runs shellcheck once on a text (through stdin) and reports what happened.
 *
 * The process gets its own process group so that cancelling or timing out
 * kills everything it started (a wrapper script's children included).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { signalProcessGroup } from '../../../shared/process-group';
import { parseJson1, type Json1Comment } from './json1';

export interface RunOptions {
  /** Executable name (looked up on PATH) or path. */
  executable: string;
  /** Working directory: where `source ./x` and `.shellcheckrc` are looked up. */
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export type RunOutcome =
  | { kind: 'ok'; comments: Json1Comment[] }
  /** The executable could not be started (not found, not executable). */
  | { kind: 'unavailable'; reason: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'cancelled' }
  /** It ran but did not produce usable output (bad options, too old, crashed). */
  | { kind: 'failed'; reason: string };

/** image.sh is sourced by bash; `-x` follows `source` lines relative to `cwd`. */
const SHELLCHECK_ARGS = ['--format=json1', '--shell=bash', '--external-sources', '-'] as const;

export function runShellcheck(text: string, options: RunOptions): Promise<RunOutcome> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve({ kind: 'cancelled' });

    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(options.executable, SHELLCHECK_ARGS, { cwd: options.cwd, stdio: 'pipe', detached: true });
    } catch (e) {
      // Invalid arguments (e.g. a NUL byte in the configured path) throw instead of emitting 'error'.
      return resolve({ kind: 'unavailable', reason: (e as Error).message });
    }
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;

    const finish = (outcome: RunOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    // Only called before 'close': the group may outlive its leader (a wrapper's children).
    const killGroup = (): void => {
      if (child.pid !== undefined && !signalProcessGroup(child.pid, 'SIGKILL')) child.kill('SIGKILL');
    };
    const onAbort = (): void => {
      killGroup();
      finish({ kind: 'cancelled' });
    };
    const timer = setTimeout(() => {
      killGroup();
      finish({ kind: 'timeout', timeoutMs: options.timeoutMs });
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (err: NodeJS.ErrnoException) => {
      const cannotStart = err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'ENOTDIR';
      finish(cannotStart ? { kind: 'unavailable', reason: err.message } : { kind: 'failed', reason: err.message });
    });
    // The process may exit before reading all of stdin (EPIPE); its exit status says what happened.
    child.stdin.on('error', () => undefined);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('close', (code, signal) => {
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8').trim();
      // Exit 0: no findings, 1: findings; anything else is a failure.
      if (code !== 0 && code !== 1) {
        const why = signal ? `killed by ${signal}` : `exit ${code}`;
        return finish({ kind: 'failed', reason: err ? `${why}: ${firstLine(err)}` : why });
      }
      try {
        finish({ kind: 'ok', comments: parseJson1(out) });
      } catch (e) {
        finish({ kind: 'failed', reason: (e as Error).message });
      }
    });
    child.stdin.end(text, 'utf8');
  });
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0];
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
