/**
 * Diagnostics per document, as soon as the analysis allows. An edit
 * (re)schedules the document's analysis (a DocumentScheduler) after a delay
 * derived from what its last analysis cost (`diagnosticsDelayFor`): a cheap
 * document is analysed on the next tick, which still coalesces a burst of
 * didChange notifications that arrive together; an expensive one waits about
 * as long as an analysis takes, so typing is not slowed by analyses that a
 * newer keystroke makes useless. `initializationOptions.diagnosticsDelay`
 * replaces the derived delay. The analysis runs while the document's
 * settings are fetched; the version is checked again after that wait.
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
import { MAX_ANALYZED_CHARS, type DocumentStore, type OpenDocument, isImageDocument } from './documents';
import { sourceFilesFor } from '../../analysis/src/source-files';
import type { SettingsCache } from './settings';
import type { ShellcheckService } from './shellcheck';
import { DocumentScheduler } from './document-scheduler';
import { anchorFindings } from '../../analysis/src/sourced';
import type { SourcedFiles } from './sourced-files';

/** An analysis cheaper than this (ms) is run on the next tick after an edit. */
export const CHEAP_ANALYSIS_MS = 8;
/** The longest derived delay (ms): even a huge document shows its diagnostics this soon after typing stops. */
export const MAX_DERIVED_DELAY_MS = 400;

/** The quiet time after an edit for a document whose last analysis took `costMs` (undefined: not analysed yet). */
export function diagnosticsDelayFor(costMs: number | undefined): number {
  if (costMs === undefined || costMs < CHEAP_ANALYSIS_MS) return 0;
  return Math.min(Math.ceil(costMs), MAX_DERIVED_DELAY_MS);
}

export class Validator {
  private readonly scheduler = new DocumentScheduler(0);
  /** What the last analysis of each document cost (ms): facts and rules. */
  private readonly costs = new Map<string, number>();
  /** The rules' diagnostics of the last analysed version, merged again when ShellCheck reports. */
  private readonly ownDiagnostics = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  private readonly shellcheckDiagnostics = new Map<string, Diagnostic[]>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: DocumentStore,
    private readonly settings: SettingsCache,
    /** A fixed quiet time after an edit (ms) instead of the derived one. */
    private readonly fixedDelayMs: number | undefined,
    private readonly shellcheck?: ShellcheckService,
    private readonly sourced?: SourcedFiles,
  ) {}

  /** Analyse `uri` after an edit (or right away: `now`, for open, save and settings changes). */
  schedule(uri: string, now = false): void {
    const document = this.documents.get(uri);
    // Shell scripts the client sends besides image.sh are only read as sourced files.
    if (!document || !isImageDocument(document.textDocument)) return;
    const version = document.version;
    const delayMs = now ? 0 : (this.fixedDelayMs ?? diagnosticsDelayFor(this.costs.get(uri)));
    this.scheduler.schedule(uri, version, { run: () => this.validate(uri, version), deliver: () => undefined }, delayMs);
    this.scheduleShellcheck(uri, version);
  }

  scheduleAll(): void {
    for (const d of this.documents.all()) this.schedule(d.uri, true);
  }

  /** The document was closed: stop its work and drop what was kept for it. */
  forget(uri: string): void {
    this.scheduler.forget(uri);
    this.costs.delete(uri);
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
      const settings = this.settings.get(uri); // asked of the client while the analysis runs
      const document = this.documents.get(uri);
      if (!document) return;
      const started = performance.now();
      const diagnostics = this.diagnosticsFor(document);
      this.costs.set(uri, performance.now() - started);
      const disabled = new Set((await settings).disabledRules);
      if (this.documents.get(uri)?.version !== version) return; // closed or edited meanwhile
      this.ownDiagnostics.set(uri, { version, diagnostics: diagnostics.filter((d) => !disabled.has(String(d.code))) });
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

  /** The diagnostics of every rule (disabled ones are left out by the caller, once the settings are known). */
  private diagnosticsFor(document: OpenDocument): Diagnostic[] {
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
    // With the files it sources; findings in those are anchored in image.sh.
    const combined = this.sourced?.combined(document) ?? facts;
    const findings = runRules(combined, {
      files: sourceFilesFor(document.uri),
      onRuleError: (rule, error) => this.logError(document.uri, error, rule.code),
    });
    return anchorFindings(findings, combined).map((f) => toDiagnostic(f, document.uri));
  }

  private logError(uri: string, error: unknown, where = 'analysis'): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.connection.console.error(`makeimg: ${where} of ${uri} failed: ${detail}`);
  }
}
