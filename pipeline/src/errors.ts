/**
 * The failures makeimg tells apart, each with its exit code (shared/events.ts
 * EXIT): bad input or environment (2), a stage that failed (1), a cancelled
 * build (130).
 */
import { EXIT } from '../../shared/events';
import type { ProcessOutcome } from '../../shared/process';

/** Invalid input or environment: nothing was built, nothing was created. */
export class InvalidInputError extends Error {
  readonly exitCode = EXIT.INVALID;
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** An output of this image exists and --force was not given. */
export class OutputExistsRefusal extends InvalidInputError {
  constructor(
    message: string,
    readonly existing: { path: string; kind: 'image' | 'working-directory' },
  ) {
    super(message);
    this.name = 'OutputExistsRefusal';
  }
}

/** A stage of the build failed (the build knows which one). */
export class StageFailedError extends Error {
  readonly exitCode = EXIT.BUILD_FAILED;
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'StageFailedError';
  }
}

/** The build was cancelled (signal, or stdin closed with --json). */
export class CancelledError extends Error {
  readonly exitCode = EXIT.CANCELLED;
  constructor(readonly why: string) {
    super(`cancelled ${why}`);
    this.name = 'CancelledError';
  }
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e instanceof CancelledError);
}

/** How a process ended, in a few words for a message: "exit 3", "killed by SIGKILL". */
export function describeEnd(r: ProcessOutcome): string {
  switch (r.kind) {
    case 'ok':
      return `exit ${r.exitCode}`;
    case 'failed':
      if (r.exitCode !== undefined) return `exit ${r.exitCode}`;
      return r.signal ? `killed by ${r.signal}` : r.reason;
    case 'unavailable':
      return r.reason;
    case 'timedOut':
      return `timed out after ${r.timeoutMs} ms`;
    case 'cancelled':
      return 'cancelled';
  }
}
