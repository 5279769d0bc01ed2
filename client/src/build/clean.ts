/**
 * "Delete working directory" (and the image, for a directory image whose
 * first build failed): `makeimg clean` through the same privilege command as
 * the build, since what a failed build kept belongs to root. Plain Node, no
 * 'vscode'.
 */
import { runProcess } from '../../../shared/process';
import { processEnd } from './launcher';
import { classifyOutcome, describeOutcome } from './outcome';

export type CleanOutcome = { ok: true; removed: string[] } | { ok: false; message: string };

export async function runClean(argv: readonly string[], privilegeCommandLength: number): Promise<CleanOutcome> {
  const end = await runProcess(argv, { collectStdout: true, keepStderrBytes: 64 * 1024 });
  if (end.kind === 'ok') {
    return {
      ok: true,
      removed: end.stdout
        .split('\n')
        .filter((l) => l.startsWith('removed '))
        .map((l) => l.slice('removed '.length)),
    };
  }
  const ended = processEnd(end);
  // makeimg's own words (one `error:` line) when it ran; else what the privilege command said.
  const said = ended.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1)
    ?.replace(/^(makeimg|[^:]+:\d+): error: /, '');
  const outcome = classifyOutcome({
    privilegeCommand: argv.slice(0, privilegeCommandLength),
    ...ended,
    errors: [],
    cancelRequested: false,
  });
  return { ok: false, message: outcome.kind === 'crashed' && said ? said : describeOutcome(outcome) };
}
