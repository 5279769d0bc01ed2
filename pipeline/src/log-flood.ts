/**
 * Bounds a hook's log: a runaway hook (`yes`, a binary file sent to stdout)
 * must not flood the terminal or the editor. Two token buckets, lines and
 * bytes, admit a burst and then a steady rate; past either,
 * lines are dropped and counted, and once the bucket has refilled halfway
 * (or at the end of the stage) one log event says how many were dropped,
 * followed by the last few lines of the flood (the ones that explain a
 * failure).
 * Ordinary builds (apt, debootstrap, compilers) stay far below the limits.
 */
import type { OutputStream } from '../../shared/process';

export interface FloodLimits {
  /** Lines available at once, and added per second. */
  lines: number;
  linesPerSecond: number;
  /** Bytes (UTF-16 units of text) available at once, and added per second. */
  bytes: number;
  bytesPerSecond: number;
  /** Dropped lines shown after the "dropped" notice. */
  keepLast: number;
}

export const DEFAULT_FLOOD_LIMITS: FloodLimits = {
  lines: 10_000,
  linesPerSecond: 2_000,
  bytes: 2 * 1024 * 1024,
  bytesPerSecond: 256 * 1024,
  keepLast: 10,
};

export type LogWriter = (stream: OutputStream, text: string, dropped?: number) => void | Promise<void>;

export class FloodGate {
  private lines: number;
  private bytes: number;
  private last: number;
  private dropped = 0;
  private recent: { stream: OutputStream; text: string }[] = [];

  constructor(
    private readonly write: LogWriter,
    private readonly limits: FloodLimits = DEFAULT_FLOOD_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.lines = limits.lines;
    this.bytes = limits.bytes;
    this.last = now();
  }

  line(stream: OutputStream, text: string): void | Promise<void> {
    this.refill();
    // Once closed, the gate opens again only when half of both bursts is back: one notice per flood, not per line.
    const open =
      this.dropped === 0
        ? this.lines >= 1 && this.bytes >= text.length
        : this.lines >= this.limits.lines / 2 && this.bytes >= this.limits.bytes / 2;
    if (!open) {
      this.dropped += 1;
      this.recent.push({ stream, text });
      if (this.recent.length > this.limits.keepLast) this.recent.shift();
      return;
    }
    this.lines -= 1;
    this.bytes -= text.length;
    if (this.dropped === 0) return this.write(stream, text);
    return this.reportThen(() => this.write(stream, text));
  }

  /** Reports lines dropped since the last notice (at the end of a stage). */
  flush(): void | Promise<void> {
    if (this.dropped > 0) return this.reportThen(() => undefined);
  }

  private async reportThen(next: () => void | Promise<void>): Promise<void> {
    const lost = this.dropped - this.recent.length;
    const recent = this.recent;
    this.dropped = 0;
    this.recent = [];
    if (lost > 0) await this.write('stderr', `[makeimg: ${lost} lines of output dropped: more than a log can show]`, lost);
    for (const { stream, text } of recent) await this.write(stream, text);
    await next();
  }

  private refill(): void {
    const now = this.now();
    const seconds = (now - this.last) / 1000;
    this.lines = Math.min(this.limits.lines, this.lines + seconds * this.limits.linesPerSecond);
    this.bytes = Math.min(this.limits.bytes, this.bytes + seconds * this.limits.bytesPerSecond);
    this.last = now;
  }
}
