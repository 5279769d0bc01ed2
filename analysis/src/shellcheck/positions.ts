/**
 * Maps ShellCheck positions onto LSP positions of the same text.
 *
 * ShellCheck (json1) counts 1-based lines split at `\n` only and 1-based
 * columns in code points, a tab being one column. LSP counts 0-based lines
 * split at `\r\n`, `\n` or `\r`, and characters in UTF-16 code units. Going
 * through an absolute UTF-16 offset handles astral characters (two units,
 * one column), CRLF (shellcheck sees the `\r` as a character) and a lone `\r`
 * (a line break for LSP, not for shellcheck) alike.
 */
/** A 0-based line and UTF-16 character (the shape of an LSP Position). */
export interface Position {
  line: number;
  character: number;
}

export class PositionMapper {
  /** UTF-16 offset where each shellcheck line (split at `\n`) starts. */
  private readonly shellcheckLineStarts: number[] = [0];
  /** UTF-16 offset where each LSP line starts, and where its content ends. */
  private readonly lspLineStarts: number[] = [0];
  private readonly lspLineEnds: number[] = [];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 0x0a) {
        this.shellcheckLineStarts.push(i + 1);
        this.lspLineEnds.push(i);
        this.lspLineStarts.push(i + 1);
      } else if (ch === 0x0d) {
        this.lspLineEnds.push(i);
        if (text.charCodeAt(i + 1) === 0x0a) {
          this.shellcheckLineStarts.push(i + 2);
          i++;
        }
        this.lspLineStarts.push(i + 1);
      }
    }
    this.lspLineEnds.push(text.length);
  }

  /** The LSP position of a shellcheck (line, column), clamped into the text. */
  toPosition(line: number, column: number): Position {
    return this.positionAt(this.offsetOf(line, column));
  }

  /** UTF-16 offset of a 1-based shellcheck (line, code-point column). */
  offsetOf(line: number, column: number): number {
    if (line < 1) return 0;
    if (line > this.shellcheckLineStarts.length) return this.text.length;
    let offset = this.shellcheckLineStarts[line - 1];
    // Walk column-1 code points, never past the end of this shellcheck line.
    for (let steps = column - 1; steps > 0 && offset < this.text.length; steps--) {
      const ch = this.text.charCodeAt(offset);
      if (ch === 0x0a) break;
      const isHighSurrogate = ch >= 0xd800 && ch <= 0xdbff;
      const next = this.text.charCodeAt(offset + 1);
      offset += isHighSurrogate && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    }
    return offset;
  }

  /** The LSP position of a UTF-16 offset; an offset inside a line break maps to the end of that line. */
  positionAt(offset: number): Position {
    let low = 0;
    let high = this.lspLineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lspLineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    const start = this.lspLineStarts[low];
    return { line: low, character: Math.min(offset, this.lspLineEnds[low]) - start };
  }
}
