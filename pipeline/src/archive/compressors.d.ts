import { findOnPath } from '../../../shared/find-on-path';
export { findOnPath };
export interface CompressorCommand {
    /** Program name as listed in the contract, e.g. 'pigz'. */
    name: string;
    /** Absolute path found on PATH. */
    program: string;
    args: string[];
}
/** Flags per program: stdout output, quiet, no name/timestamp in the header, all cores. */
export declare const COMPRESSOR_ARGS: Readonly<Record<string, readonly string[]>>;
/**
 * The compressor for an image path, chosen by its suffix: undefined for a
 * plain `.tar`. Throws a clear Error for a name that is not a supported
 * archive or when none of the suffix's programs is installed.
 */
export declare function compressorFor(imagePath: string, searchPath?: string): CompressorCommand | undefined;
