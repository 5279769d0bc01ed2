/**
 * Splits a byte stream into UTF-8 text lines, in time linear in the input and
 * memory bounded by `maxLineBytes`: a line longer than that is given out in
 * pieces of at most `maxLineBytes` bytes (a character split between pieces or
 * chunks stays whole; a trailing '\r' is dropped). The last partial line is
 * held until more arrives or end().
 *
 * Why not execa's own line splitting: it holds a line until its newline, so
 * output without newlines (a runaway hook, a binary file sent to stdout)
 * would grow in memory without bound.
 */

/** Default longest line given out whole: longer lines come in pieces. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

export class LineSplitter {
  /** Bytes of the current, unfinished line (chunks not copied until the line is complete). */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly decoder = new TextDecoder();

  constructor(private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    if (!(maxLineBytes >= 1)) throw new RangeError('maxLineBytes must be at least 1');
  }

  /** The lines (and pieces of overlong lines) that `chunk` completes. */
  *push(chunk: Uint8Array): Generator<string> {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl < 0 ? chunk.length : nl;
      yield* this.append(chunk.subarray(start, end));
      if (nl < 0) return;
      yield this.take(true);
      start = nl + 1;
    }
  }

  /** The last line, when the stream ended without a newline. */
  *end(): Generator<string> {
    if (this.pendingBytes > 0) yield this.take(true);
    this.decoder.decode();
  }

  private *append(bytes: Uint8Array): Generator<string> {
    while (this.pendingBytes + bytes.length > this.maxLineBytes) {
      const room = this.maxLineBytes - this.pendingBytes;
      this.pending.push(bytes.subarray(0, room));
      this.pendingBytes += room;
      bytes = bytes.subarray(room);
      yield this.take(false);
    }
    if (bytes.length > 0) {
      this.pending.push(bytes);
      this.pendingBytes += bytes.length;
    }
  }

  private take(lineEnds: boolean): string {
    const parts = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    // Each part decoded as it is (no concatenated copy of the bytes: a flood without newlines would
    // allocate one per piece); the decoder carries a character split between parts. A piece keeps
    // an incomplete character in the decoder for the next piece; a line end does not.
    let text = '';
    for (let i = 0; i < parts.length; i++) {
      text += this.decoder.decode(parts[i], { stream: !lineEnds || i < parts.length - 1 });
    }
    if (parts.length === 0 && lineEnds) text = this.decoder.decode();
    return lineEnds && text.endsWith('\r') ? text.slice(0, -1) : text;
  }
}

/** All lines of a text, split like a stream would be. */
export function splitLines(data: Uint8Array, maxLineBytes?: number): string[] {
  const splitter = new LineSplitter(maxLineBytes);
  return [...splitter.push(data), ...splitter.end()];
}
