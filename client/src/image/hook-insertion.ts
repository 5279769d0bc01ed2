/**
 * Where and what to insert to append shell lines to a hook of image.sh:
 * before the closing brace of the function when it exists (indented like
 * its body), else a new function at the end of the file. Pure text; the
 * hook's lines come from the language server's symbols.
 */
export interface Insertion {
  /** Offset in the text. */
  offset: number;
  text: string;
}

export function hookInsertion(text: string, hook: string, snippet: string, hookLines?: { start: number; end: number }): Insertion {
  const lines = text.split('\n');
  if (hookLines && hookLines.end < lines.length) {
    const closing = lines[hookLines.end]!;
    const brace = closing.lastIndexOf('}');
    const lineStart = lines.slice(0, hookLines.end).reduce((n, l) => n + l.length + 1, 0);
    // Indentation of the body's last non-empty line, else four spaces.
    let indent = '    ';
    for (let i = hookLines.end - 1; i > hookLines.start; i--) {
      const m = /^(\s+)\S/.exec(lines[i]!);
      if (m) {
        indent = m[1]!;
        break;
      }
    }
    const body = snippet
      .split('\n')
      .map((l) => indent + l)
      .join('\n');
    if (brace >= 0 && closing.slice(0, brace).trim() === '') {
      // `}` alone on its line: insert whole lines before it.
      return { offset: lineStart, text: `${body}\n` };
    }
    if (brace >= 0) {
      // A one-line function `f() { a; }`: put the lines before the brace.
      return { offset: lineStart + brace, text: `\n${body}\n` };
    }
  }
  const needsNewline = text.length > 0 && !text.endsWith('\n');
  return {
    offset: text.length,
    text: `${needsNewline ? '\n' : ''}\n${hook}()\n{\n${snippet
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}\n}\n`,
  };
}
