/** Findings -> LSP diagnostics. */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../../analysis/src/rules';
import { ruleDocumentationUrl } from './rule-docs-links';

/** `source` of every diagnostic from the makeimg rules. */
export const DIAGNOSTIC_SOURCE = 'makeimg';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** `finding` is in LSP coordinates already (the facts of an open document are). */
export function toDiagnostic(finding: Finding, uri: string): Diagnostic {
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.code,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map((r) => ({
      // A place in a sourced file (the finding itself is anchored in image.sh).
      location: { uri: r.file === undefined ? uri : pathToFileURL(r.file).href, range: r.range },
      message: r.message,
    }));
  }
  const href = ruleDocumentationUrl(finding.code);
  if (href) diagnostic.codeDescription = { href };
  if (finding.tags?.includes('unnecessary')) diagnostic.tags = [DiagnosticTag.Unnecessary];
  if (finding.data) diagnostic.data = finding.data;
  return diagnostic;
}
