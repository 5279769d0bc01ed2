/**
 * Splits a byte stream into UTF-8 text lines (a character split across
 * chunks stays whole; a trailing '\r' is dropped); the last partial line is
 * held until more arrives or flush(). Reads the pipeline's event stream and
 * the hooks' output alike.
 */
export class LineSplitter {
  private pending = '';
  private readonly decoder = new TextDecoder();

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Uint8Array): void {
    this.pending += this.decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  }

  flush(): void {
    this.pending += this.decoder.decode();
    if (this.pending) this.onLine(this.pending);
    this.pending = '';
  }
}
