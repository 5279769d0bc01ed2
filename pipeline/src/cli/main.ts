/**
 * The `makeimg` program (bundled to dist/makeimg.js): parses the command
 * line (command-line.ts) and runs the verb (verbs/). Exit codes:
 * shared/events.ts EXIT.
 */
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { encodeEvent, EXIT } from '../../../shared/events';
import { parseCommandLine, UsageError, type ParsedCommandLine } from './command-line';
import { outputMode, PROGRESS_MODES, type ProgressMode } from './output-mode';
import { DEFAULT_VERB, VERBS } from './verbs';
import { version } from '../version';
import { InvalidInputError } from '../errors';

// WebAssembly (tree-sitter, the formatter) runs on V8's baseline compiler only: its optimizing
// compiler took some 50 MB more resident memory for the one parse of image.sh a build makes
// (the report's settings), a third of a build's peak, for no time a build would notice.
setFlagsFromString('--liftoff-only');

function progressMode(values: ParsedCommandLine['values']): ProgressMode {
  if (values.json) return 'json';
  const p = values.progress;
  if (p === undefined) return 'auto';
  if (!PROGRESS_MODES.includes(p as ProgressMode))
    throw new UsageError(`--progress must be one of ${PROGRESS_MODES.join(', ')}, got ${JSON.stringify(p)}`);
  return p as ProgressMode;
}

/**
 * One line on stderr (and, for a reader of events, an error and a result
 * event): never the whole help. Also for input refused before anything ran
 * (e.g. a makeimg.conf the invoking user cannot read).
 */
function usageError(e: UsageError | InvalidInputError, argv: string[]): number {
  process.stderr.write(`makeimg: ${e.message}\n`);
  if (argv.includes('--json') || argv.includes('--progress=json')) {
    process.stdout.write(encodeEvent({ type: 'error', message: e.message }));
    process.stdout.write(encodeEvent({ type: 'result', ok: false, kept: [], ms: 0 }));
  }
  return EXIT.INVALID;
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(argv, VERBS, DEFAULT_VERB, process.cwd());
    const { verb, values } = parsed;
    if (values.version) {
      process.stdout.write(`makeimg ${version()}\n`);
      return EXIT.OK;
    }
    if (values.help) {
      // `makeimg --help` is the overview; `makeimg check --help` is check's.
      const named = argv.some((a) => a === verb.name);
      return await VERBS.find((v) => v.name === 'help')!.run({
        values: {},
        positionals: named ? [verb.name] : [],
        command: [],
        srcDir: process.cwd(),
        output: { json: false, live: false, colour: false },
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
      });
    }
    if (parsed.compatNote) process.stderr.write(parsed.compatNote + '\n');
    const srcDir = path.resolve(typeof values.directory === 'string' ? values.directory : process.cwd());
    const output = outputMode(progressMode(values), process.stdout, process.env);
    return await verb.run({
      values,
      positionals: parsed.positionals,
      command: parsed.command,
      srcDir,
      output,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
    });
  } catch (e) {
    if (e instanceof UsageError) return usageError(e, argv);
    if (e instanceof InvalidInputError) return usageError(e, argv);
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Flush stdout before leaving (it may be a pipe to the editor).
    process.stdout.write('', () => process.exit(code));
  },
  (e: unknown) => {
    process.stderr.write(`makeimg: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(EXIT.BUILD_FAILED);
  },
);
