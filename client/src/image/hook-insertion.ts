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

/**
 * `hookLines`: the function's lines from the language server's symbols. Without them (the server
 * answers no symbols while a version is still being analysed, and VS Code keeps that answer for the
 * version) the definition is looked for in the text (`hookLinesInText`). Undefined when the text
 * defines the hook but where it ends cannot be told: a second definition would replace the first.
 */
export function hookInsertion(
  text: string,
  hook: string,
  snippet: string,
  hookLines?: { start: number; end: number },
): Insertion | undefined {
  const lines = text.split('\n');
  if (!hookLines) {
    const found = hookLinesInText(lines, hook);
    if (found === 'unknown') return undefined;
    hookLines = found;
  }
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
    return undefined;
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

/**
 * The lines of `hook`'s definition in the text: `hook()` or `function hook` at the start of a line,
 * ended by the first later `}` alone on a line at the same indentation (or on the definition's
 * line: `hook() { a; }`). 'unknown' when the text defines it but no such end follows; undefined
 * when it does not define it.
 */
export function hookLinesInText(lines: string[], hook: string): { start: number; end: number } | 'unknown' | undefined {
  const name = hook.replace(/[^\w]/g, '');
  const definition = new RegExp(`^(\\s*)(?:function\\s+${name}(?:\\s*\\(\\s*\\))?|${name}\\s*\\(\\s*\\))(?![\\w-])(.*)$`);
  for (let start = 0; start < lines.length; start++) {
    const m = definition.exec(lines[start]!);
    if (!m) continue;
    const indent = m[1]!;
    const rest = m[2]!.replace(/\s+#.*$/, '').trim();
    if (rest.startsWith('{') && rest.endsWith('}')) return { start, end: start };
    for (let end = start + 1; end < lines.length; end++) {
      if (new RegExp(`^${indent}\\}\\s*(?:#.*)?$`).test(lines[end]!)) return { start, end };
    }
    return 'unknown';
  }
  return undefined;
}
