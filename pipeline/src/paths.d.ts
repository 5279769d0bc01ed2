/**
 * `candidate` is `dir` itself or lies below it. Purely lexical: callers
 * resolve symlinks first where they matter. A name that merely starts with
 * two dots (`..cache`) is inside.
 */
export declare function isInside(candidate: string, dir: string): boolean;
/** True when something (even a dangling symlink) is at `p`; a path below a file does not exist. */
export declare function pathExists(p: string): Promise<boolean>;
