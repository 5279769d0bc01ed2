/**
 * A second opinion on syntax errors from bash itself. tree-sitter-bash
 * rejects some valid bash (e.g. a heredoc line that starts with a backslash
 * escape and holds a parenthesis, docs/tree-sitter-bash-heredoc.md), and a
 * user must never be told that valid bash is broken: when tree-sitter finds
 * syntax errors and `bash -n` accepts the text, the errors are dropped.
 * `bash -n` reads without running anything and takes a few ms; it is only
 * asked for texts with syntax errors, never for the valid ones typed most.
 * (Moves onto shared/process.ts when that runner lands.)
 */
import type { DocumentFacts } from './facts';

/** Longest a `bash -n` may take before its answer is treated as unknown (a loaded machine can take a second). */
const BASH_TIMEOUT_MS = 10_000;

/**
 * Whether bash accepts the syntax of `text`: true/false, or undefined when
 * bash could not answer (not installed, timed out, aborted). extglob is on,
 * since `bash -n` does not run the `shopt -s extglob` a script may contain.
 */
export async function bashAcceptsSyntax(text: string, signal?: AbortSignal): Promise<boolean | undefined> {
  try {
    // execa is ESM-only: a dynamic import works from the CommonJS bundles and from tsx.
    const { execa } = await import('execa');
    const result = await execa('bash', ['-O', 'extglob', '-n'], {
      input: text,
      reject: false,
      timeout: BASH_TIMEOUT_MS,
      cancelSignal: signal,
      stdout: 'ignore',
      stderr: 'ignore',
      env: { LC_ALL: 'C.UTF-8' },
      extendEnv: false,
    });
    if (result.failed && result.exitCode === undefined) return undefined;
    if (result.timedOut || result.isCanceled || result.exitCode === undefined) return undefined;
    return result.exitCode === 0;
  } catch {
    return undefined;
  }
}

/** The facts without syntax errors, for when bash accepted the text (the rules they silenced then speak). */
export function withoutSyntaxErrors(facts: DocumentFacts): DocumentFacts {
  return facts.syntaxErrors.length === 0 ? facts : { ...facts, syntaxErrors: [], syntaxErrorsTruncated: false };
}

/** Facts whose syntax errors bash confirms (or that has none): what the rules should judge. */
export async function confirmedSyntax(facts: DocumentFacts, text: string, signal?: AbortSignal): Promise<DocumentFacts> {
  if (facts.syntaxErrors.length === 0) return facts;
  return (await bashAcceptsSyntax(text, signal)) === true ? withoutSyntaxErrors(facts) : facts;
}
