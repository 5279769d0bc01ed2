/**
 * The snippet syntax of VS Code and LSP (`${1:placeholder}`), shared by the
 * generated snippets file (client) and completion items (server).
 */

/** Literal text inside a snippet: `$`, `}` and `\` would otherwise be syntax. */
export function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, '\\$&');
}
