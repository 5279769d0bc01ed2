/**
 * What in the raw text bash itself trips over before reading a single
 * command: Windows line endings, a UTF-8 byte order mark, NUL bytes. The
 * syntax tree cannot show these (the parser is given the text without NULs,
 * and '\r' is whitespace to tree-sitter-bash), so they are read off the text.
 */
import type { EncodingFacts, Range } from './model';

/** At most this many CRLF positions are recorded (the fix removes all of them). */
const MAX_RECORDED_CRLF = 100_000;

export function encodingOf(text: string): EncodingFacts {
  const facts: EncodingFacts = { bom: text.charCodeAt(0) === 0xfeff, crlf: [], crlfCount: 0, nulCount: 0 };
  if (text.includes('\r\n')) {
    let line = 0;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      if (i > 0 && text.charCodeAt(i - 1) === 13) {
        facts.crlfCount++;
        const character = i - 1 - lineStart;
        if (facts.crlf.length < MAX_RECORDED_CRLF) facts.crlf.push({ start: { line, character }, end: { line: line + 1, character: 0 } });
      }
      line++;
      lineStart = i + 1;
    }
  }
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    let count = 0;
    for (let i = nul; i !== -1; i = text.indexOf('\0', i + 1)) count++;
    facts.nulCount = count;
    const before = text.slice(0, nul);
    const line = before.split('\n').length - 1;
    facts.firstNul = charRange(line, nul - (before.lastIndexOf('\n') + 1));
  }
  return facts;
}

function charRange(line: number, character: number): Range {
  return { start: { line, character }, end: { line, character: character + 1 } };
}
