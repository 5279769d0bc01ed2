export { OutputExistsError } from './output';
export interface ArchiveOptions {
    /** $img_dir: the finished rootfs. */
    sourceDir: string;
    /** $img_path: ends in one of the contract's IMAGE_SUFFIXES. */
    outputPath: string;
    /** When set, the same tree always gives byte-identical archives. */
    sourceDateEpoch?: number;
    /** Abort: stop tar and the compressor, remove the temporary file, reject with an AbortError. */
    signal: AbortSignal;
    /** Tree content bytes archived so far / in total; at most ~10 calls a second, last call done === total. */
    onProgress?: (done: number, total: number) => void;
    /** Messages tar printed although it succeeded (e.g. "socket ignored"). */
    onWarning?: (message: string) => void;
    /** The tree's content bytes when the caller walks the tree anyway (the build report); else walked here. */
    treeBytes?: Promise<number>;
}
export interface ArchiveResult {
    /** Size of the archive written. */
    bytes: number;
}
/** The error an aborted archive rejects with (`name === 'AbortError'`, like fetch and timers/promises). */
export declare class ArchiveAbortError extends Error {
    readonly code = "ABORT_ERR";
    constructor(cause?: unknown);
}
export declare function archiveImage(opts: ArchiveOptions): Promise<ArchiveResult>;
