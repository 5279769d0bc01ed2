/**
 * Runs shellcheck once on a text (through stdin) and reports what happened.
 * Cancelling or timing out kills everything it started (shared/process.ts
 * stops the whole process group: a wrapper script's children included).
 */
import { runProcess } from '../../../shared/process';
import type { Json1Comment } from './json1';

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

export async function runShellcheck(text: string, options: RunOptions): Promise<RunOutcome> {
  const end = await runProcess([options.executable, ...SHELLCHECK_ARGS], {
    cwd: options.cwd,
    input: text,
    collectStdout: true,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    // Nothing to save on the way out: a stale run is killed at once.
    killGraceMs: 0,
    // Exit 0: no findings, 1: findings; anything else is a failure.
    okExitCodes: [0, 1],
  });
  switch (end.kind) {
    case 'ok':
      try {
        // Loaded on the first run: its schema library (zod) takes tens of ms to load, not on the way to a server's first diagnostics.
        const { parseJson1 } = await import('./json1');
        return { kind: 'ok', comments: parseJson1(end.stdout) };
      } catch (e) {
        return { kind: 'failed', reason: (e as Error).message };
      }
    case 'failed': {
      const why = end.signal ? `killed by ${end.signal}` : end.exitCode !== undefined ? `exit ${end.exitCode}` : end.reason;
      return { kind: 'failed', reason: end.stderr ? `${why}: ${firstLine(end.stderr)}` : why };
    }
    case 'timedOut':
      return { kind: 'timeout', timeoutMs: end.timeoutMs };
    case 'cancelled':
      return { kind: 'cancelled' };
    case 'unavailable':
      return { kind: 'unavailable', reason: end.reason };
  }
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0]!;
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

/** `shellcheck --version`: its version ("0.9.0"), or why it cannot run. */
export async function shellcheckVersion(
  executable: string,
  options: { cwd?: string; timeoutMs: number },
): Promise<{ version: string } | { problem: string }> {
  const end = await runProcess([executable, '--version'], { cwd: options.cwd, collectStdout: true, timeoutMs: options.timeoutMs });
  switch (end.kind) {
    case 'ok': {
      const version = /^version:\s*(\S+)/m.exec(end.stdout)?.[1];
      return version ? { version } : { problem: `'${executable} --version' did not say which version it is` };
    }
    case 'unavailable':
      return { problem: end.reason };
    case 'timedOut':
      return { problem: `'${executable} --version' took longer than ${end.timeoutMs} ms` };
    case 'cancelled':
      return { problem: 'cancelled' };
    case 'failed':
      return { problem: end.exitCode !== undefined ? `'${executable} --version' exited with ${end.exitCode}` : end.reason };
  }
}
