/**
 * Turns SIGINT, SIGTERM, SIGHUP and (with --json) EOF on stdin into one
 * AbortSignal. The editor runs makeimg as root through pkexec and cannot
 * signal it; it closes makeimg's stdin instead. stdin is watched only when it
 * is a pipe or socket, so `makeimg --json </dev/null` still builds. A reader
 * that went away (EPIPE on stdout) cancels too, instead of crashing with the
 * container still running.
 */
import { fstatSync } from 'node:fs';

export interface Cancellation {
  signal: AbortSignal;
  /** Why the build was cancelled, once it was. */
  reason(): string | undefined;
  dispose(): void;
}

function stdinIsStream(): boolean {
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

export function watchCancellation(opts: { watchStdin: boolean; stdin?: NodeJS.ReadableStream }): Cancellation {
  const controller = new AbortController();
  let why: string | undefined;
  const cancel = (reason: string): void => {
    if (why) return;
    why = reason;
    controller.abort(new Error(reason));
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = (sig: NodeJS.Signals): void => cancel(`by ${sig}`);
  for (const sig of signals) process.on(sig, onSignal);
  // Kept after dispose too: later writes to a closed stdout must not crash makeimg.
  const onStdoutError = (): void => cancel('because its reader went away (stdout closed)');
  process.stdout.on('error', onStdoutError);
  const stdin = opts.stdin ?? process.stdin;
  // With --json stdin is the editor's cancel button.
  const onEnd = (): void => cancel('from the editor');
  const watching = opts.watchStdin && (opts.stdin !== undefined || stdinIsStream());
  if (watching) {
    stdin.on('end', onEnd);
    stdin.on('error', onEnd);
    stdin.on('data', () => undefined); // input is ignored; reading is how EOF is seen
    stdin.resume();
  }
  return {
    signal: controller.signal,
    reason: () => why,
    dispose() {
      for (const sig of signals) process.off(sig, onSignal);
      if (watching) {
        stdin.off('end', onEnd);
        stdin.off('error', onEnd);
        stdin.pause();
        (stdin as NodeJS.ReadStream).destroy?.();
      }
    },
  };
}
