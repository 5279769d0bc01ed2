/**
 * Debounced diagnostics per document (a DocumentScheduler): an edit restarts
 * the document's timer; when it fires, the current version is analysed unless a newer edit or a
 * close came first (settings are read asynchronously, so the version is
 * checked again after that wait).
 *
 * ShellCheck runs beside the rules (its own debounce; a newer edit cancels
 * it) and its findings are merged into the same publish when they arrive.
 * They stay until the next ShellCheck run replaces them, so they do not
 * flicker while typing. `disabledRules` and `maxNumberOfProblems` apply to
 * the merged list.
 */
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver';
import { runRules } from '../../analysis/src/analysis';
import { toDiagnostic } from './diagnostics';
import { MAX_ANALYZED_CHARS, type DocumentStore, type OpenDocument } from './documents';
import { sourceFilesFor } from '../../analysis/src/source-files';
import type { SettingsCache } from './settings';
import type { ShellcheckService } from './shellcheck';
import { DocumentScheduler } from './document-scheduler';

export class Validator {
  private readonly scheduler: DocumentScheduler;
  /** The rules' diagnostics of the last analysed version, merged again when ShellCheck reports. */
  private readonly ownDiagnostics = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  private readonly shellcheckDiagnostics = new Map<string, Diagnostic[]>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: DocumentStore,
    private readonly settings: SettingsCache,
    /** Quiet time after an edit before analysing (ms). */
    delayMs: number,
    private readonly shellcheck?: ShellcheckService,
  ) {
    this.scheduler = new DocumentScheduler(delayMs);
  }

  schedule(uri: string, delayMs?: number): void {
    const version = this.documents.get(uri)?.version;
    if (version === undefined) return;
    this.scheduler.schedule(
      uri,
      version,
      {
        run: () => this.validate(uri, version),
        deliver: () => undefined,
      },
      delayMs,
    );
    this.scheduleShellcheck(uri, version);
  }

  scheduleAll(): void {
    for (const d of this.documents.all()) this.schedule(d.uri, 0);
  }

  /** The document was closed: stop its work and drop what was kept for it. */
  forget(uri: string): void {
    this.scheduler.forget(uri);
    this.shellcheck?.forget(uri);
    this.ownDiagnostics.delete(uri);
    this.shellcheckDiagnostics.delete(uri);
  }

  private scheduleShellcheck(uri: string, version: number): void {
    const shellcheck = this.shellcheck;
    if (!shellcheck) return;
    this.settings.get(uri).then(
      (settings) => {
        const document = this.documents.get(uri);
        if (!document || document.version !== version) return; // a newer edit schedules its own run
        // A document too large to analyse is not given to ShellCheck either (that only clears its findings).
        const options = document.tooLarge ? { ...settings.shellcheck, enable: false } : settings.shellcheck;
        shellcheck.schedule(uri, version, document.textDocument.getText(), options, (diagnostics) => {
          if (!this.documents.get(uri)) return;
          const previous = this.shellcheckDiagnostics.get(uri) ?? [];
          this.shellcheckDiagnostics.set(uri, diagnostics);
          // Nothing before and nothing now (e.g. disabled): the rules' own publish already says it all.
          if (previous.length === 0 && diagnostics.length === 0) return;
          this.publish(uri).catch((error: unknown) => this.logError(uri, error, 'shellcheck'));
        });
      },
      (error: unknown) => this.logError(uri, error, 'shellcheck'),
    );
  }

  private async validate(uri: string, version: number): Promise<void> {
    try {
      const settings = await this.settings.get(uri);
      const document = this.documents.get(uri);
      if (!document || document.version !== version) return; // closed or edited meanwhile
      this.ownDiagnostics.set(uri, { version, diagnostics: this.diagnosticsFor(document, settings.disabledRules) });
      await this.publish(uri);
    } catch (error) {
      this.logError(uri, error);
    }
  }

  /** Send the rules' and ShellCheck's diagnostics of `uri` together (makeimg's first when capped). */
  private async publish(uri: string): Promise<void> {
    const own = this.ownDiagnostics.get(uri);
    if (!own) return;
    const settings = await this.settings.get(uri);
    const disabled = new Set(settings.disabledRules);
    const shellcheck = (this.shellcheckDiagnostics.get(uri) ?? []).filter((d) => !disabled.has(String(d.code)));
    const diagnostics = [...own.diagnostics, ...shellcheck].slice(0, settings.maxNumberOfProblems);
    if (this.ownDiagnostics.get(uri) !== own) return; // replaced or closed while reading settings
    await this.connection.sendDiagnostics({ uri, version: own.version, diagnostics });
  }

  private diagnosticsFor(document: OpenDocument, disabledRules: readonly string[]): Diagnostic[] {
    const facts = document.facts();
    if (!facts) {
      const megabytes = (document.textDocument.getText().length / 1e6).toFixed(1);
      this.connection.console.info(`makeimg: ${document.uri} is ${megabytes} MB; not analysed`);
      return [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Information,
          source: 'makeimg',
          message: `This file is too large to check (${megabytes} million characters; the limit is ${MAX_ANALYZED_CHARS / 1e6} million).`,
        },
      ];
    }
    const findings = runRules(facts, {
      disabledRules,
      files: sourceFilesFor(document.uri),
      onRuleError: (rule, error) => this.logError(document.uri, error, rule.code),
    });
    return findings.map((f) => toDiagnostic(f, document.uri));
  }

  private logError(uri: string, error: unknown, where = 'analysis'): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.connection.console.error(`makeimg: ${where} of ${uri} failed: ${detail}`);
  }
}
