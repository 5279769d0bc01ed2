/** A hidden temporary name in the output's own directory, so the final rename stays on one filesystem. */
export declare function temporaryPathFor(outputPath: string): string;
export declare class OutputExistsError extends Error {
    readonly outputPath: string;
    constructor(outputPath: string);
}
/**
 * Give the finished temporary file its final name without ever replacing an
 * existing file: link(2) fails atomically with EEXIST, unlike rename(2).
 * On filesystems without hard links, check right before rename instead.
 */
export declare function publishWithoutOverwrite(temporaryPath: string, outputPath: string): Promise<void>;
