/**
 * The `makeimg` program (bundled to dist/makeimg.js): parses the command
 * line and runs build, check or lint. Exit codes: shared/events.ts EXIT.
 */
import * as path from 'node:path';
import { encodeEvent, EXIT } from '../../../shared/events';
import { runLint } from '../../../analysis/src/lint';
import { parseArgs, USAGE, UsageError, type CliArgs } from './args';
import { watchCancellation } from '../cancel';
import { runFmt } from './fmt';
import { checkExitCode, checkImage, formatCheckReport } from './check';
import { resolveCacheDir, resolveImgDirBase } from '../config';
import { DEFAULT_CACHE_LIMIT } from '../cache/store';
import { runCacheCommand } from './cache-command';
import { humanPaint, humanRenderer, jsonRenderer } from './human-output';
import { runInspect } from './inspect';
import { runShell } from './shell';
import { build } from '../build';
import { version } from '../version';

async function runBuildOrCheck(args: CliArgs): Promise<number> {
  const srcDir = path.resolve(args.directory ?? process.cwd());
  const base = resolveImgDirBase(args.imgDirBase, srcDir, process.env);
  const cancellation = watchCancellation({ watchStdin: args.json });
  try {
    if (args.command === 'check') {
      const report = await checkImage(srcDir, base, cancellation.signal);
      process.stdout.write(args.json ? JSON.stringify(report) + '\n' : formatCheckReport(report));
      return checkExitCode(report);
    }
    const emit = args.json ? jsonRenderer(process.stdout) : humanRenderer(process.stdout, process.stderr, process.env);
    return await build({
      srcDir,
      imgDirBase: base.path,
      strict: args.strict,
      sourceDateEpoch: args.sourceDateEpoch,
      signal: cancellation.signal,
      emit,
      cancelReason: cancellation.reason,
      cache: {
        dir: resolveCacheDir(args.cacheDir, srcDir, process.env),
        refresh: Boolean(args.noCache),
        maxAgeMs: args.cacheMaxAgeMs,
        limitBytes: DEFAULT_CACHE_LIMIT,
      },
    });
  } catch (e) {
    if (cancellation.signal.aborted) return EXIT.CANCELLED;
    throw e;
  } finally {
    cancellation.dispose();
  }
}

async function runCache(args: CliArgs): Promise<number> {
  if (process.geteuid?.() !== 0) {
    process.stderr.write('makeimg: the install cache belongs to root: run makeimg cache as root\n');
    return EXIT.INVALID;
  }
  const dir = resolveCacheDir(args.cacheDir, process.cwd(), process.env);
  const cancellation = watchCancellation({ watchStdin: false });
  try {
    return await runCacheCommand(args.cacheAction!, { dir, json: args.json, clean: args.clean, signal: cancellation.signal }, process.stdout);
  } catch (e) {
    process.stderr.write(`makeimg: install cache ${dir}: ${(e as Error).message}\n`);
    return EXIT.INVALID;
  } finally {
    cancellation.dispose();
  }
}

/** `makeimg shell`: the given image, else the one this project's image.sh builds. */
async function runShellCommand(args: CliArgs): Promise<number> {
  let image = args.image;
  if (!image) {
    const srcDir = path.resolve(args.directory ?? process.cwd());
    const base = resolveImgDirBase(args.imgDirBase, srcDir, process.env);
    const cancellation = watchCancellation({ watchStdin: false });
    try {
      const report = await checkImage(srcDir, base, cancellation.signal);
      image = report.paths?.imgPath;
      if (!image) {
        process.stderr.write(`makeimg shell: no image given and none found for ${srcDir}: ${report.problems.map((p) => p.message).join('; ')}\n`);
        return EXIT.INVALID;
      }
    } finally {
      cancellation.dispose();
    }
  }
  try {
    return await runShell(image, { boot: args.boot, command: args.shellCommand, err: process.stderr });
  } catch (e) {
    process.stderr.write(`makeimg shell: ${(e as Error).message}\n`);
    return EXIT.INVALID;
  }
}

export async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv, process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`makeimg: ${e.message}\n${USAGE}`);
    if (argv.includes('--json')) {
      // The editor reads events, not usage text.
      process.stdout.write(encodeEvent({ type: 'error', message: e.message }));
      process.stdout.write(encodeEvent({ type: 'result', ok: false, kept: [], ms: 0 }));
    }
    return EXIT.INVALID;
  }
  switch (args.command) {
    case 'help':
      process.stdout.write(USAGE);
      return EXIT.OK;
    case 'version':
      process.stdout.write(`makeimg ${version()}\n`);
      return EXIT.OK;
    case 'lint':
      return runLint(args.files, process.stdout, process.stderr);
    case 'fmt':
      return runFmt(args.files, process.stdout, process.stderr);
    case 'inspect': {
      const cancellation = watchCancellation({ watchStdin: false });
      try {
        return await runInspect(args.image, {
          json: args.json,
          strict: args.strict,
          out: process.stdout,
          err: process.stderr,
          paint: humanPaint(process.stdout, process.env),
          signal: cancellation.signal,
        });
      } finally {
        cancellation.dispose();
      }
    }
    case 'cache':
      return runCache(args);
    case 'shell':
      return runShellCommand(args);
    default:
      return runBuildOrCheck(args);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Flush stdout before leaving (it may be a pipe to the editor).
    process.stdout.write('', () => process.exit(code));
  },
  (e: unknown) => {
    process.stderr.write(`makeimg: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(EXIT.BUILD_FAILED);
  },
);
