/**
 * A child process of the archive stage (tar or a compressor): started with
 * given stdio, its stderr kept (the tail) for error messages, its end awaited,
 * and stopped for good on cancellation.
 */
import { type StdioOptions } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
export interface ChildEnd {
    code: number | null;
    signal: NodeJS.Signals | null;
    /** Set when the program could not be started at all. */
    startError?: Error;
}
export interface ArchiveChild {
    name: string;
    process: ChildProcess;
    /** Resolves once the process has exited and its stderr is fully read. Never rejects. */
    ended: Promise<ChildEnd>;
    /** The end of what it wrote to stderr, trimmed. */
    stderr(): string;
    /** SIGTERM, then SIGKILL if it is still there after a grace period; resolves when it is gone. */
    stop(): Promise<ChildEnd>;
}
export declare function startChild(name: string, program: string, args: string[], stdio: StdioOptions, env?: NodeJS.ProcessEnv): ArchiveChild;
/** A one-line-plus-stderr description of how a child failed, or undefined if it succeeded. */
export declare function describeFailure(child: ArchiveChild, end: ChildEnd, doing: string): string | undefined;
