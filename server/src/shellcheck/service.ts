/**
 * ShellCheck findings for open image.sh documents: debounced per document,
 * cancelled by newer edits, filtered for makeimg's own variables, converted
 * to LSP diagnostics. A missing or broken shellcheck is never an error for
 * the user: it is logged once and the document simply gets no findings.
 */
import { homedir } from 'node:os';
import type { Diagnostic } from 'vscode-languageserver';
import { expandHome } from '../../../shared/paths';
import { SETTINGS_SECTION, type ServerSettings, type ServerStatus } from '../../../shared/ids-and-settings';
import { imageDirectoryOf } from '../../../analysis/src/source-files';
import { toDiagnostics } from './convert';
import { withoutMakeimgFalsePositives } from '../../../analysis/src/shellcheck/filter';
import { runShellcheck, shellcheckVersion, type RunOutcome } from '../../../analysis/src/shellcheck/runner';
import { DocumentScheduler } from '../document-scheduler';

export type ShellcheckSettings = ServerSettings['shellcheck'];
/** Receives the shellcheck diagnostics of one document version (possibly empty). */
export type PublishShellcheck = (diagnostics: Diagnostic[], version: number) => void;

export interface ShellcheckServiceOptions {
  /** Quiet time after an edit before shellcheck starts (ms). */
  debounceMs?: number;
  /** A run taking longer is killed and yields no findings (ms). */
  timeoutMs?: number;
}

export const DEFAULT_DEBOUNCE_MS = 400;
export const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_EXECUTABLE = 'shellcheck';
const VERSION_TTL_MS = 60_000;

export class ShellcheckService {
  private readonly scheduler: DocumentScheduler;
  private readonly timeoutMs: number;
  /**
   * Problems already logged, by what they are about ("exe:<path>", "uri:<uri>");
   * a successful run clears its executable and document so a recurrence is logged again.
   */
  private readonly reported = new Set<string>();
  /** `shellcheck --version` answers by directory and executable. */
  private readonly versions = new Map<string, { at: number; answer: ReturnType<typeof shellcheckVersion> }>();

  constructor(
    private readonly log: (message: string) => void,
    options: ShellcheckServiceOptions = {},
  ) {
    this.scheduler = new DocumentScheduler(options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Check `text` (version `version` of `uri`) after the debounce delay and
   * call `publish` with the result, unless a newer `schedule` or `forget`
   * for the same uri comes first. When disabled, publishes an empty list
   * (clearing earlier findings) without running anything.
   */
  schedule(uri: string, version: number, text: string, settings: ShellcheckSettings, publish: PublishShellcheck): void {
    if (!settings.enable) {
      this.scheduler.schedule(uri, version, { run: async () => [], deliver: (d: Diagnostic[]) => publish(d, version) }, 0);
      return;
    }
    const executable = executableFrom(settings.path);
    this.scheduler.schedule(uri, version, {
      run: async (signal) => {
        // In the document's directory, so `source ./lib.sh` and `.shellcheckrc` resolve as they do for the user.
        const outcome = await runShellcheck(text, { executable, cwd: imageDirectoryOf(uri), timeoutMs: this.timeoutMs, signal });
        return this.diagnosticsFrom(outcome, text, uri, executable);
      },
      deliver: (diagnostics: Diagnostic[]) => publish(diagnostics, version),
    });
  }

  /**
   * What checks `uri` with these settings: off, or the executable with its
   * version (or why it cannot run). The version of an executable is asked
   * once per minute at most (a new shellcheck on PATH shows within that).
   */
  async status(uri: string, settings: ShellcheckSettings): Promise<ServerStatus['shellcheck']> {
    if (!settings.enable) return { enabled: false };
    const executable = executableFrom(settings.path);
    const cwd = imageDirectoryOf(uri);
    const key = `${cwd ?? ''}\0${executable}`;
    let cached = this.versions.get(key);
    if (!cached || Date.now() - cached.at > VERSION_TTL_MS) {
      cached = { at: Date.now(), answer: shellcheckVersion(executable, { cwd, timeoutMs: this.timeoutMs }) };
      this.versions.set(key, cached);
    }
    return { enabled: true, executable, ...(await cached.answer) };
  }

  /** Stop checking `uri` (closed): cancels its pending or running check. */
  forget(uri: string): void {
    this.scheduler.forget(uri);
  }

  dispose(): void {
    this.scheduler.dispose();
  }

  private diagnosticsFrom(outcome: RunOutcome, text: string, uri: string, executable: string): Diagnostic[] {
    switch (outcome.kind) {
      case 'ok':
        this.reported.delete(`exe:${executable}`);
        this.reported.delete(`uri:${uri}`);
        return toDiagnostics(withoutMakeimgFalsePositives(outcome.comments), text);
      case 'cancelled':
        return [];
      case 'unavailable':
        this.reportOnce(
          `exe:${executable}`,
          `ShellCheck is unavailable (${outcome.reason}); image.sh files are checked without it. ` +
            `Install shellcheck or set ${SETTINGS_SECTION}.shellcheck.path.`,
        );
        return [];
      case 'timeout':
        this.reportOnce(
          `uri:${uri}`,
          `ShellCheck took longer than ${outcome.timeoutMs} ms on ${uri} and was stopped; its findings are left out.`,
        );
        return [];
      case 'failed':
        this.reportOnce(`exe:${executable}`, `ShellCheck ('${executable}') failed: ${outcome.reason}; its findings are left out.`);
        return [];
    }
  }

  private reportOnce(key: string, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.log(message);
  }
}

/** The configured path; empty means PATH lookup, `~/` is the user's home, relative paths start at the document's directory. */
function executableFrom(path: string): string {
  const trimmed = path.trim();
  if (!trimmed) return DEFAULT_EXECUTABLE;
  return expandHome(trimmed, homedir());
}
