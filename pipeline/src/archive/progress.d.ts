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
export declare function pollProgress(pid: number, onProgress: (done: number, total: number) => void, intervalMs?: number): ProgressPoller;
