/**
 * Debounced diagnostics per document: an edit restarts the document's timer;
 * when it fires, the current version is analysed unless a newer edit or a
 * close came first (settings are read asynchronously, so the version is
 * checked again after that wait).
 */
import type { Connection, Diagnostic } from 'vscode-languageserver';
import { runRules } from './analysis';
import { toDiagnostic } from './diagnostics';
import { MAX_ANALYZED_CHARS, type DocumentStore, type OpenDocument } from './documents';
import type { SettingsCache } from './settings';

export class Validator {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: DocumentStore,
    private readonly settings: SettingsCache,
    /** Quiet time after an edit before analysing (ms). */
    private readonly delayMs: number,
  ) {}

  schedule(uri: string, delayMs = this.delayMs): void {
    this.cancel(uri);
    const version = this.documents.get(uri)?.version;
    if (version === undefined) return;
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.validate(uri, version).catch((error: unknown) => this.logError(uri, error));
      }, delayMs),
    );
  }

  cancel(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
  }

  scheduleAll(): void {
    for (const d of this.documents.all()) this.schedule(d.uri, 0);
  }

  private async validate(uri: string, version: number): Promise<void> {
    const settings = await this.settings.get(uri);
    const document = this.documents.get(uri);
    if (!document || document.version !== version) return; // closed or edited meanwhile
    const diagnostics = this.diagnosticsFor(document, settings.disabledRules).slice(0, settings.maxNumberOfProblems);
    await this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  private diagnosticsFor(document: OpenDocument, disabledRules: readonly string[]): Diagnostic[] {
    const facts = document.facts();
    if (!facts) {
      const megabytes = (document.textDocument.getText().length / 1e6).toFixed(1);
      this.connection.console.info(`makeimg: ${document.uri} is ${megabytes} MB; not analysed`);
      return [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: 3,
          source: 'makeimg',
          message: `This file is too large to check (${megabytes} million characters; the limit is ${MAX_ANALYZED_CHARS / 1e6} million).`,
        },
      ];
    }
    const findings = runRules(facts, {
      disabledRules,
      onRuleError: (rule, error) => this.logError(document.uri, error, rule.code),
    });
    return findings.map((f) => toDiagnostic(f, document));
  }

  private logError(uri: string, error: unknown, where = 'analysis'): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.connection.console.error(`makeimg: ${where} of ${uri} failed: ${detail}`);
  }
}
