/**
 * Writing the growing archive back to disk while tar and the compressor still
 * run, so that the fsync before the archive gets its name finds (almost)
 * nothing left to write.
 *
 * The page cache holds a finished image until the kernel's background
 * writeback gets to it, which for an image smaller than the dirty threshold
 * (1 % of RAM here) is only after 30 s: the final fsync then had the whole
 * image to write, about 0.1 s per 200 MB on a fast disk, which made a plain
 * `.tar` a third slower than the original's unsynced tar file. Node has no
 * sync_file_range(2), so every STEP_BYTES the file grows get an fdatasync(2)
 * in libuv's thread pool; it writes the new pages out while tar goes on
 * filling the next ones. A fixed timer does not do it: a 250 ms tick never
 * fired during a 200 MB tar that took 0.23 s, and a sync per tick on a slow
 * writer (xz) flushes a few KB each time. Measured on 210 MB (bench/archive.ts):
 * steps of 4-8 MiB leave the final fsync 0-4 ms; 16 MiB steps leave more
 * and slow tar down more (bigger bursts); a sync loop without a step
 * (600+ syncs) gains nothing over 8 MiB and costs a journal commit each.
 */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

/** Write back every this many bytes the file grew. */
const STEP_BYTES = 8 * 1024 * 1024;
/** How often the size is looked at: when the next step is due at the current rate, within these bounds. */
const MIN_CHECK_MS = 2;
const MAX_CHECK_MS = 100;

export interface Writeback {
  /** Stop, after the write-back in flight (if any) finished. */
  stop(): Promise<void>;
}

/**
 * Write `file` back every STEP_BYTES it grows until stop(). Errors are left
 * to the caller's final fsync, which reports them.
 */
export function writeBackWhileGrowing(
  file: Pick<FileHandle, 'datasync'> & { stat: () => Promise<Stats> },
  stepBytes = STEP_BYTES,
): Writeback {
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  const loop = (async () => {
    let written = 0;
    let delay = MIN_CHECK_MS;
    let last = { size: 0, at: performance.now() };
    while (!stopped) {
      const { size } = await file.stat();
      const at = performance.now();
      if (size - written >= stepBytes) {
        written = size;
        await file.datasync();
      } else {
        // Look again about when the next step should be there at the rate the file grows now.
        const rate = (size - last.size) / Math.max(at - last.at, 0.001);
        delay = rate > 0 ? (written + stepBytes - size) / rate : delay * 2;
        delay = Math.min(Math.max(delay, MIN_CHECK_MS), MAX_CHECK_MS);
        await pause(delay);
      }
      last = { size, at };
    }
  })().catch(() => undefined);

  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
