/**
 * ShellCheck integration of the image.sh language server.
 *
 * Wiring (server.ts):
 *
 *   const shellcheck = new ShellcheckService((m) => connection.console.log(m));
 *   // on open/change (and for every open document when settings change):
 *   shellcheck.schedule(doc.uri, doc.version, doc.getText(), settings.shellcheck,
 *     (diagnostics, version) => { store them for (uri, version); publish own + shellcheck diagnostics });
 *   // on close: shellcheck.forget(doc.uri); on shutdown: shellcheck.dispose();
 *
 * `publish` is called at most once per `schedule`, asynchronously, only for
 * the newest version (older runs are killed and their results dropped); it
 * gets `[]` when shellcheck is disabled, missing, failing or too slow, which
 * clears earlier findings. Diagnostics have source "shellcheck", code
 * "SC####" with a wiki link, and shellcheck's fix as TextEdits in `data`
 * (read it with `shellcheckFixOf`; `shellcheckCodeActions` builds the quick fixes).
 */
export { ShellcheckService, DEFAULT_DEBOUNCE_MS, DEFAULT_TIMEOUT_MS } from './service';
export type { ShellcheckServiceOptions, ShellcheckSettings, PublishShellcheck } from './service';
export { SHELLCHECK_SOURCE, shellcheckFixOf, shellcheckWikiUrl } from './convert';
export type { ShellcheckDiagnosticData } from './convert';
export { shellcheckCodeActions } from './code-actions';
