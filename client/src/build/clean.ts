/**
 * "Delete working directory" (and the image, for a directory image whose
 * first build failed): `makeimg clean` through the same privilege command as
 * the build, since what a failed build kept belongs to root. Plain Node, no
 * 'vscode'.
 */
import { spawn } from 'node:child_process';
import { classifyOutcome, describeOutcome } from './outcome';

export type CleanOutcome = { ok: true; removed: string[] } | { ok: false; message: string };

export function runClean(argv: readonly string[], privilegeCommandLength: number): Promise<CleanOutcome> {
  const [command, ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
      if (child.pid === undefined) finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
    let done = false;
    function finish(exitCode: number | null, signal: NodeJS.Signals | null): void {
      if (done) return;
      done = true;
      if (exitCode === 0) {
        resolve({ ok: true, removed: stdout.split('\n').filter((l) => l.startsWith('removed ')).map((l) => l.slice('removed '.length)) });
        return;
      }
      // makeimg's own words (one `error:` line) when it ran; else what the privilege command said.
      const said = stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1)?.replace(/^(makeimg|[^:]+:\d+): error: /, '');
      const outcome = classifyOutcome({
        privilegeCommand: argv.slice(0, privilegeCommandLength), spawnError, exitCode, signal, stderr, errors: [], cancelRequested: false,
      });
      resolve({ ok: false, message: outcome.kind === 'crashed' && said ? said : describeOutcome(outcome) });
    }
  });
}
