/**
 * Per-document debounced jobs where a newer version replaces an older one:
 * scheduling a document cancels its pending timer and aborts its running job,
 * and a result is delivered only if its job is still the document's current
 * one (a result for a stale version is dropped). Used for diagnostics and
 * for ShellCheck (two instances, each with its own delay).
 */

export interface Job<T> {
  /** Does the work; must stop (and clean up) when `signal` aborts. */
  run(signal: AbortSignal): Promise<T>;
  /** Receives the result, only while this job is still current. */
  deliver(result: T): void;
}

interface Slot {
  /** Stops the pending start (undefined once the job runs). */
  stopTimer?: () => void;
  abort: AbortController;
}

/**
 * Calls `callback` once the work already queued has run: two setImmediate
 * hops. The LSP connection handles one queued message per setImmediate, so a
 * burst of notifications that arrived together is handled (and each
 * reschedules) before a job scheduled with delay 0 starts: they coalesce.
 */
export function afterQueuedWork(callback: () => void): () => void {
  let handle = setImmediate(() => (handle = setImmediate(callback)));
  return () => clearImmediate(handle);
}

function after(delayMs: number, callback: () => void): () => void {
  if (delayMs <= 0) return afterQueuedWork(callback);
  const timer = setTimeout(callback, delayMs);
  return () => clearTimeout(timer);
}

export class DocumentScheduler {
  private readonly slots = new Map<string, Slot>();
  /** The newest version scheduled per key, kept after its job ends until `forget`. */
  private readonly versions = new Map<string, number>();

  constructor(private readonly debounceMs: number) {}

  /**
   * Run `job` for `key` after the debounce delay, replacing whatever was
   * pending or running for it. A version older than the current one is ignored.
   * `delayMs` overrides the debounce (0: start as soon as the work already
   * queued, such as the rest of a burst of edits, has run).
   */
  schedule<T>(key: string, version: number, job: Job<T>, delayMs = this.debounceMs): void {
    const newest = this.versions.get(key);
    if (newest !== undefined && version < newest) return;
    this.versions.set(key, version);
    this.cancel(key);

    const slot: Slot = { abort: new AbortController() };
    this.slots.set(key, slot);
    slot.stopTimer = after(delayMs, () => {
      slot.stopTimer = undefined;
      job.run(slot.abort.signal).then(
        (result) => {
          if (this.slots.get(key) !== slot || slot.abort.signal.aborted) return;
          this.slots.delete(key);
          job.deliver(result);
        },
        () => {
          // A job reports its own failures through its result; a throw only ends the slot.
          if (this.slots.get(key) === slot) this.slots.delete(key);
        },
      );
    });
  }

  /** Stop the pending or running job of `key`, if any; nothing is delivered for it. */
  cancel(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    slot.stopTimer?.();
    slot.abort.abort();
  }

  /** Cancel `key` and forget its versions (the document was closed). */
  forget(key: string): void {
    this.cancel(key);
    this.versions.delete(key);
  }

  /** Whether `key` has a job waiting or running. */
  isBusy(key: string): boolean {
    return this.slots.has(key);
  }

  dispose(): void {
    for (const key of [...this.slots.keys()]) this.cancel(key);
    this.versions.clear();
  }
}
