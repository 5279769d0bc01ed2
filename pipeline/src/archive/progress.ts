/**
 * Archive progress without touching the data stream: tar reads every file's
 * content with read(2), so the kernel's per-process counter `rchar` in
 * /proc/<pid>/io is the number of tree bytes tar has consumed so far. Polling
 * it costs one small procfs read per tick and keeps tar piping straight into
 * the compressor.
 */
import { promises as fs } from 'node:fs';

/** Bytes read so far by a process, or undefined when the kernel does not say (no task I/O accounting, process gone). */
async function bytesReadBy(pid: number): Promise<number | undefined> {
  try {
    const text = await fs.readFile(`/proc/${pid}/io`, 'utf8');
    const match = /^rchar:\s*(\d+)$/m.exec(text);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface ProgressPoller {
  /** The tree's total, once known (the size walk runs alongside tar). */
  setTotal(total: number): void;
  /** Stop polling and report done = total. */
  finish(): void;
  /** Stop polling without a final report. */
  stop(): void;
}

/**
 * Report `onProgress(done, total)` every `intervalMs` (at most) while the
 * process runs, only when the figure changed and the total is known. Until
 * `finish()`, `done` stays below `total`: tar also reads a few bytes of its
 * own, and a multi-threaded compressor buffers tens of MB that tar has
 * already handed over (xz -T0: up to a 24 MB block per thread and more).
 */
export function pollProgress(pid: number, onProgress: (done: number, total: number) => void, intervalMs = 100): ProgressPoller {
  let total: number | undefined;
  let lastDone = -1;
  let stopped = false;
  let busy = false;

  const tick = async (): Promise<void> => {
    if (busy || stopped || total === undefined) return;
    busy = true;
    try {
      const read = await bytesReadBy(pid);
      if (read === undefined || stopped || total === undefined) return;
      // done === total is kept for the end: tar may have read everything while the compressor still works.
      const done = Math.min(read, Math.max(total - 1, 0));
      if (done !== lastDone) {
        lastDone = done;
        onProgress(done, total);
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);

  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  return {
    setTotal(t) {
      total = t;
    },
    finish() {
      stop();
      if (total !== undefined) onProgress(total, total);
    },
    stop,
  };
}
