/**
 * Diagnostics per document, as soon as the analysis allows. An edit
 * (re)schedules the document's analysis (a DocumentScheduler) when
 * diagnostics-pacing.ts says: at once after a quiet period, at most once per
 * cost-derived interval during a burst of edits (the last edit is analysed
 * when its interval ends). `initializationOptions.diagnosticsDelay` replaces
 * that with a fixed quiet time. The analysis runs while the document's
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
import { withBomOnDisk } from './byte-order-mark-on-disk';
import { FACTS_BUDGET_MS, MAX_ANALYZED_CHARS, PARSE_BUDGET_MS, type DocumentStore, type OpenDocument, isImageDocument } from './documents';
import { sourceFilesFor } from '../../analysis/src/source-files';
import type { SettingsCache } from './settings';
import type { ShellcheckService } from './shellcheck';
import { DocumentScheduler } from './document-scheduler';
import { DiagnosticsPacing } from './diagnostics-pacing';
import { anchorFindings } from '../../analysis/src/sourced';
import { bashAcceptsSyntax, withoutSyntaxErrors } from '../../analysis/src/bash-syntax';
import type { DocumentFacts, Range } from '../../analysis/src/facts';
import type { SourcedFiles } from './sourced-files';

/** How long a publish waits for `bash -n` to confirm syntax errors; a later answer re-publishes. */
export const BASH_CONFIRM_WAIT_MS = 300;

/** Code of the diagnostic said when a parse or the walk of the facts went over its time budget (docs/server.md). */
export const PARSE_BUDGET_CODE = 'MKIMG019';

export class Validator {
  /** bash's verdict on the syntax of each document's latest text with syntax errors (one `bash -n` per text). */
  private readonly bashVerdicts = new Map<string, { text: string; accepted: Promise<boolean | undefined> }>();
  /**
   * Per document, the top-level statements with syntax errors of the last
   * text bash accepted. Whether bash accepts a top-level statement does not
   * depend on the others, and the rest of a text is what tree-sitter parses
   * without error (trusted as for any text without errors): a later text
   * whose errors all lie in such statements, such as a file with one zsh line
   * being edited elsewhere, is accepted without a new `bash -n` per keystroke.
   */
  private readonly acceptedStatements = new Map<string, Set<string>>();
  private readonly scheduler = new DocumentScheduler(0);
  /** When each document is analysed after an edit (the cost of its recent analyses, its last start). */
  private readonly pacing: DiagnosticsPacing;
  /** The rules' diagnostics of the last analysed version, merged again when ShellCheck reports. */
  private readonly ownDiagnostics = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  /** ShellCheck's findings and the version they were found in (mapped to the current text when published). */
  private readonly shellcheckDiagnostics = new Map<string, { version: number; diagnostics: Diagnostic[] }>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: DocumentStore,
    private readonly settings: SettingsCache,
    /** A fixed quiet time after an edit (ms) instead of the derived pacing. */
    fixedDelayMs: number | undefined,
    private readonly shellcheck?: ShellcheckService,
    private readonly sourced?: SourcedFiles,
  ) {
    this.pacing = new DiagnosticsPacing(fixedDelayMs);
  }

  /** Analyse `uri` after an edit (or right away: `now`, for open, save and settings changes). */
  schedule(uri: string, now = false): void {
    const document = this.documents.get(uri);
    // Shell scripts the client sends besides image.sh are only read as sourced files.
    if (!document || !isImageDocument(document.textDocument)) return;
    const version = document.version;
    const delayMs = now ? 0 : this.pacing.delayAfterEdit(uri);
    this.scheduler.schedule(uri, version, { run: () => this.validate(uri, version, !now), deliver: () => undefined }, delayMs);
    this.scheduleShellcheck(uri, version);
  }

  scheduleAll(): void {
    for (const d of this.documents.all()) this.schedule(d.uri, true);
  }

  /** The document was closed: stop its work and drop what was kept for it. */
  forget(uri: string): void {
    this.scheduler.forget(uri);
    this.pacing.forget(uri);
    this.bashVerdicts.delete(uri);
    this.acceptedStatements.delete(uri);
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
          const previous = this.shellcheckDiagnostics.get(uri)?.diagnostics ?? [];
          this.shellcheckDiagnostics.set(uri, { version, diagnostics });
          // Nothing before and nothing now (e.g. disabled): the rules' own publish already says it all.
          if (previous.length === 0 && diagnostics.length === 0) return;
          this.publish(uri).catch((error: unknown) => this.logError(uri, error, 'shellcheck'));
        });
      },
      (error: unknown) => this.logError(uri, error, 'shellcheck'),
    );
  }

  /**
   * The facts of `version` are not all walked yet (a statement took longer
   * than FACTS_BUDGET_MS): the walk goes on in slices, each once the work
   * queued meanwhile (requests, edits) has run (`OpenDocument.factsComplete`,
   * whose slices requests that wait for the complete facts share), and the
   * diagnostics are published again when it is done. A newer version replaces it.
   */
  private continueFacts(uri: string, version: number): void {
    const document = this.documents.get(uri);
    if (!document || document.version !== version) return;
    document.factsComplete().then(
      () => {
        // Edited (that version schedules its own analysis) or closed meanwhile.
        if (this.documents.get(uri) !== document || document.version !== version || document.factsPending) return;
        this.scheduler.schedule(uri, version, { run: () => this.validate(uri, version, false), deliver: () => undefined }, 0);
      },
      (error: unknown) => this.logError(uri, error),
    );
  }

  private async validate(uri: string, version: number, afterEdit: boolean): Promise<void> {
    try {
      const settings = this.settings.get(uri); // asked of the client while the analysis runs
      const document = this.documents.get(uri);
      if (!document || document.version !== version) return;
      this.pacing.started(uri);
      const started = performance.now();
      // bash's verdict (asked beside the analysis), or already known: then the rules run once, on the confirmed syntax.
      const accepted = this.bashAccepts(document);
      let diagnostics = this.diagnosticsFor(document, accepted === true);
      if (afterEdit) this.pacing.measured(uri, performance.now() - started);
      if (accepted instanceof Promise) {
        // Beside the analysis: a publish waits briefly for bash, a later "valid" re-publishes.
        const verdict = await Promise.race([accepted, delay(BASH_CONFIRM_WAIT_MS).then(() => 'late' as const)]);
        if (verdict === true) diagnostics = this.diagnosticsFor(document, true);
        else if (verdict === 'late')
          void accepted.then((ok) => ok && this.documents.get(uri)?.version === version && this.schedule(uri, true));
      }
      const disabled = new Set((await settings).disabledRules);
      if (this.documents.get(uri)?.version !== version) return; // closed or edited meanwhile
      this.ownDiagnostics.set(uri, { version, diagnostics: diagnostics.filter((d) => !disabled.has(String(d.code))) });
      await this.publish(uri);
      if (this.documents.get(uri)?.version === version && document.factsPending) this.continueFacts(uri, version);
    } catch (error) {
      this.logError(uri, error);
    }
  }

  /**
   * ShellCheck's findings carried to the current version: kept where the
   * edits since did not touch their lines (moved by the lines inserted or
   * removed above them), dropped where they did.
   */
  private currentShellcheck(document: OpenDocument): Diagnostic[] {
    const found = this.shellcheckDiagnostics.get(document.uri);
    if (!found) return [];
    if (found.version === document.version) return found.diagnostics;
    const kept: Diagnostic[] = [];
    for (const d of found.diagnostics) {
      const range = document.mapRange(d.range, found.version);
      if (range) kept.push({ ...d, range });
    }
    return kept;
  }

  /**
   * bash's verdict on the syntax of a document whose facts have syntax errors
   * (undefined when they have none; true when known without asking bash, see
   * `acceptedStatements`): tree-sitter-bash rejects some valid bash, and
   * valid bash must never be called broken (analysis/src/bash-syntax.ts).
   */
  private bashAccepts(document: OpenDocument): Promise<boolean | undefined> | true | undefined {
    const facts = document.facts();
    if (!facts || facts.syntaxErrors.length === 0 || document.overBudget) return undefined;
    const { uri } = document;
    const text = document.textDocument.getText();
    const known = this.bashVerdicts.get(uri);
    if (known?.text === text) return known.accepted;
    const statements = document.statementsWithErrors();
    const acceptedBefore = this.acceptedStatements.get(uri);
    if (statements && acceptedBefore && statements.every((s) => acceptedBefore.has(s))) return true;
    const accepted = bashAcceptsSyntax(text);
    this.bashVerdicts.set(uri, { text, accepted });
    void accepted.then((ok) => {
      if (ok && statements && this.documents.get(uri)) this.acceptedStatements.set(uri, new Set(statements));
    });
    return accepted;
  }

  /** Send the rules' and ShellCheck's diagnostics of `uri` together (makeimg's first when capped). */
  private async publish(uri: string): Promise<void> {
    const own = this.ownDiagnostics.get(uri);
    if (!own) return;
    const settings = await this.settings.get(uri);
    const disabled = new Set(settings.disabledRules);
    const document = this.documents.get(uri);
    if (this.ownDiagnostics.get(uri) !== own || !document || document.version !== own.version) return; // replaced, edited or closed meanwhile
    const shellcheck = this.currentShellcheck(document).filter((d) => !disabled.has(String(d.code)));
    // Never a range outside the document (the last good analysis kept over a parse budget may be older).
    const diagnostics = [...own.diagnostics, ...shellcheck]
      .filter((d) => document.contains(d.range))
      .slice(0, settings.maxNumberOfProblems);
    await this.connection.sendDiagnostics({ uri, version: own.version, diagnostics });
  }

  /**
   * The diagnostics of every rule (disabled ones are left out by the caller,
   * once the settings are known). `bashAccepted`: bash accepts the syntax,
   * so tree-sitter's syntax errors are dropped.
   */
  private diagnosticsFor(document: OpenDocument, bashAccepted = false): Diagnostic[] {
    const facts = document.facts();
    const reason = document.overBudgetReason;
    if (reason) return this.overBudgetDiagnostics(document, reason);
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
    const sourced = withBomOnDisk(this.sourced?.combined(document) ?? facts, document.uri);
    const combined: DocumentFacts = bashAccepted ? withoutSyntaxErrors(sourced) : sourced;
    const findings = runRules(combined, {
      files: sourceFilesFor(document.uri),
      onRuleError: (rule, error) => this.logError(document.uri, error, rule.code),
    });
    const diagnostics = anchorFindings(findings, combined).map((f) => toDiagnostic(f, document.uri));
    return facts.outdated ? [outdatedDiagnostic(facts.outdated), ...diagnostics] : diagnostics;
  }

  /** The last published diagnostics stay, with one line saying why they are not up to date. */
  private overBudgetDiagnostics(document: OpenDocument, reason: 'parse' | 'facts'): Diagnostic[] {
    const previous = (this.ownDiagnostics.get(document.uri)?.diagnostics ?? []).filter((d) => d.code !== PARSE_BUDGET_CODE);
    const budget = reason === 'parse' ? PARSE_BUDGET_MS : FACTS_BUDGET_MS;
    const message =
      `Checking this version takes longer than ${budget} ms (deeply nested or very long code), so it goes on in the ` +
      'background to keep the editor responsive; until it is done, the other diagnostics are from the last version that could be checked.';
    this.connection.console.info(
      `makeimg: ${reason === 'parse' ? 'parsing' : 'walking the facts of'} ${document.uri} takes longer than ${budget} ms; kept the last analysis while the work goes on`,
    );
    return [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Information,
        code: PARSE_BUDGET_CODE,
        source: 'makeimg',
        message,
      },
      ...previous,
    ];
  }

  private logError(uri: string, error: unknown, where = 'analysis'): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.connection.console.error(`makeimg: ${where} of ${uri} failed: ${detail}`);
  }
}

/** Statements whose facts are still those of an earlier version (their walk goes on in the background): one line for all. */
function outdatedDiagnostic(outdated: readonly Range[]): Diagnostic {
  const start = outdated[0].start;
  const endLine = outdated[outdated.length - 1].end.line;
  const lines = start.line === endLine ? `line ${start.line + 1}` : `lines ${start.line + 1}-${endLine + 1}`;
  const what = outdated.length === 1 ? `the statement on ${lines}` : `${outdated.length.toLocaleString('en-US')} statements on ${lines}`;
  return {
    range: { start, end: start },
    severity: DiagnosticSeverity.Information,
    code: PARSE_BUDGET_CODE,
    source: 'makeimg',
    message:
      `Checking ${what} takes longer than ${FACTS_BUDGET_MS} ms (deeply nested or very long code), so it goes on in the ` +
      'background to keep the editor responsive; until it is done, what is reported about it is from an earlier version.',
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
