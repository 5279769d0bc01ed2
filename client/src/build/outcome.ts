/**
 * How a build ended, from what the launcher saw: the pipeline's own result
 * event when it got that far, otherwise the exit code and stderr of the
 * privilege command (pkexec's 126/127, sudo's refusals) or the spawn error.
 */
import { EXIT, type ErrorEvent, type ResultEvent } from '../../../shared/events';
import { privilegeProgram } from './argv';

export type BuildOutcome =
  | { kind: 'built'; result: ResultEvent }
  | { kind: 'failed'; message: string; error?: ErrorEvent; result?: ResultEvent }
  | { kind: 'invalid'; message: string; error?: ErrorEvent }
  | { kind: 'cancelled'; kept: string[]; reason?: string; imgPath?: string }
  | { kind: 'privilege-missing'; program: string }
  | { kind: 'not-authorized'; program: string }
  | { kind: 'dismissed' }
  | { kind: 'no-agent' }
  | { kind: 'password-required' }
  | { kind: 'crashed'; message: string };

export interface ProcessEnd {
  privilegeCommand: readonly string[];
  /** Set when the process could not be started at all. */
  spawnError?: NodeJS.ErrnoException;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Everything the process wrote to stderr (what pkexec/sudo say lands here). */
  stderr: string;
  /** The pipeline's last result event, if any. */
  result?: ResultEvent;
  /** The pipeline's error events, in order. */
  errors: ErrorEvent[];
  /** True when the client asked the build to stop. */
  cancelRequested: boolean;
}

// What pkexec prints (polkit's texts; stable across versions since 0.105).
const PKEXEC_NOT_AUTHORIZED = /Not authorized/;
const PKEXEC_NO_AGENT = /No authentication agent found/;
// What sudo -n prints.
const SUDO_PASSWORD_REQUIRED = /a password is required/;
const SUDO_NOT_ALLOWED = /is not in the sudoers file|is not allowed to execute|may not run sudo/;

/** pkexec's exit code when the user dismissed the authentication dialog. */
const PKEXEC_DISMISSED = 126;
/** pkexec's exit code when authorization failed (or env did not find the node binary). */
const PKEXEC_FAILED = 127;

export function classifyOutcome(end: ProcessEnd): BuildOutcome {
  const program = privilegeProgram(end.privilegeCommand) ?? '';
  if (end.spawnError) {
    if (end.spawnError.code === 'ENOENT') return { kind: 'privilege-missing', program: program || 'env' };
    return { kind: 'crashed', message: `could not start ${program || 'the build'}: ${end.spawnError.message}` };
  }
  const lastError = end.errors.at(-1);
  const result = end.result;
  // The pipeline got far enough to report: its word is final.
  if (result) {
    if (result.ok) return { kind: 'built', result };
    if (result.cancelled || end.exitCode === EXIT.CANCELLED) {
      return {
        kind: 'cancelled',
        kept: result.kept ?? [],
        ...(result.reason ? { reason: result.reason } : {}),
        ...(result.imgPath ? { imgPath: result.imgPath } : {}),
      };
    }
    if (end.exitCode === EXIT.INVALID)
      return { kind: 'invalid', message: lastError?.message ?? lastLine(end.stderr), ...(lastError ? { error: lastError } : {}) };
    return { kind: 'failed', message: lastError?.message ?? lastLine(end.stderr), error: lastError, result };
  }
  if (end.exitCode === EXIT.CANCELLED || (end.cancelRequested && end.signal !== null)) return { kind: 'cancelled', kept: [] };
  if (lastError) {
    if (end.exitCode === EXIT.INVALID) return { kind: 'invalid', message: lastError.message, error: lastError };
    return { kind: 'failed', message: lastError.message, error: lastError };
  }
  // No word from the pipeline: the privilege command (or env) refused.
  if (program === 'pkexec') {
    if (end.exitCode === PKEXEC_DISMISSED) return { kind: 'dismissed' };
    if (end.exitCode === PKEXEC_FAILED && PKEXEC_NO_AGENT.test(end.stderr)) return { kind: 'no-agent' };
    if (end.exitCode === PKEXEC_FAILED && PKEXEC_NOT_AUTHORIZED.test(end.stderr)) return { kind: 'not-authorized', program };
  }
  if (program === 'sudo') {
    if (SUDO_PASSWORD_REQUIRED.test(end.stderr)) return { kind: 'password-required' };
    if (SUDO_NOT_ALLOWED.test(end.stderr)) return { kind: 'not-authorized', program };
  }
  if (end.cancelRequested) return { kind: 'cancelled', kept: [] };
  const how = end.signal ? `was killed by ${end.signal}` : `exited with code ${end.exitCode}`;
  const said = lastLine(end.stderr);
  return { kind: 'crashed', message: said ? `the build ${how}: ${said}` : `the build ${how}` };
}

/** The exit code the build terminal reports: makeimg's own (0, 1, 2, 130); the privilege command's refusals count as 2 (environment). */
export function outcomeExitCode(outcome: BuildOutcome): number {
  switch (outcome.kind) {
    case 'built':
      return EXIT.OK;
    case 'failed':
    case 'crashed':
      return EXIT.BUILD_FAILED;
    case 'cancelled':
    case 'dismissed':
      return EXIT.CANCELLED;
    default:
      return EXIT.INVALID;
  }
}

/** One sentence a user can act on, for notifications and the terminal. */
export function describeOutcome(outcome: BuildOutcome): string {
  switch (outcome.kind) {
    case 'built':
      return `Built ${outcome.result.imgPath ?? 'the image'}`;
    case 'failed':
      return `Build failed: ${outcome.message}`;
    case 'invalid':
      return `Not built: ${outcome.message}`;
    case 'cancelled':
      return `Build cancelled${outcome.reason ? ` ${outcome.reason}` : ''}${outcome.kept.length ? `; kept ${outcome.kept.join(', ')}` : ''}`;
    case 'privilege-missing':
      return (
        `Cannot build: "${outcome.program}" is not installed. Install pkexec (package "pkexec" or "policykit-1") ` +
        'or set makeimg.privilegeCommand.'
      );
    case 'not-authorized':
      return `Cannot build: you are not authorized to run makeimg as root through ${outcome.program}.`;
    case 'dismissed':
      return 'Build not started: the authentication dialog was dismissed.';
    case 'no-agent':
      return (
        'Cannot build: no polkit authentication agent is running (remote or headless session). ' +
        'Start one, run makeimg as root in a terminal, or set makeimg.privilegeCommand (e.g. ["sudo", "-n"]).'
      );
    case 'password-required':
      return 'Cannot build: sudo needs a password. Allow passwordless sudo for makeimg or use pkexec.';
    case 'crashed':
      return `Build did not run: ${outcome.message}`;
  }
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) ?? '';
}
