/** `makeimg build [img_dir_base]` (the default verb). */
import { IMG_DIR_BASE_KEY } from '../../../../shared/contract';
import { EXIT } from '../../../../shared/events';
import { build } from '../../build';
import { watchCancellation } from '../../cancel';
import { pkexecCaller, resolveCacheDir, resolveImgDirBase } from '../../config';
import { DEFAULT_CACHE_LIMIT } from '../../cache/store';
import { CACHE_DIR_OPTION, durationOption } from './cache';
import { outputOwner } from '../../outputs';
import { UsageError } from '../command-line';
import { eventSink } from '../output-mode';
import type { Verb } from '../verb';

/** A number of seconds since 1970, from --source-date-epoch or SOURCE_DATE_EPOCH. */
export function sourceDateEpoch(option: string | boolean | undefined, env: NodeJS.ProcessEnv): number | undefined {
  const [value, from] = typeof option === 'string' ? [option, '--source-date-epoch'] : [env.SOURCE_DATE_EPOCH, 'SOURCE_DATE_EPOCH'];
  if (!value) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${from} must be a number of seconds since 1970, got ${JSON.stringify(value)}`);
  return Number(value);
}

export const buildVerb: Verb = {
  name: 'build',
  summary: `build the image into ${IMG_DIR_BASE_KEY} (the default verb; needs root)`,
  synopsis: `[options] [${IMG_DIR_BASE_KEY}]`,
  description: `Builds the image described by image.sh: resolve, preinstall, install, postinstall, archive.
${IMG_DIR_BASE_KEY} is where the image goes (relative to the project directory).
Without --force makeimg never overwrites an image or a kept working directory.
img_dir_base (when makeimg creates it) and the image belong to the user who ran
sudo or pkexec; a working directory kept after a failure stays root's (remove it
with makeimg clean --keep-image).

install cache: the install stage (preinstall copies + do_install) is reused when its
key is unchanged: makeimg's version, the paths, SOURCE_DATE_EPOCH, do_install and every
function it may call, image.sh's top-level variables, the preinstall files' content.
What do_install downloads or reads elsewhere is NOT in the key: use --no-cache or
--cache-max-age to pick up new packages.`,
  options: {
    strict: { type: 'boolean', help: 'fail (exit 1) when the image has hygiene findings (MKIMG1xx); the image is kept' },
    'no-cache': { type: 'boolean', help: 'run do_install even if the install cache has it, and refresh the entry' },
    'cache-max-age': { type: 'string', valueName: 'D', help: 'treat install cache entries older than D (90s, 30m, 12h, 7d) as stale' },
    'cache-dir': CACHE_DIR_OPTION,
    force: {
      type: 'boolean',
      short: 'f',
      help: 'replace an existing image once the new one is complete, and remove a kept working directory first',
    },
    'source-date-epoch': {
      type: 'string',
      valueName: 'N',
      help: 'reproducible archive: timestamps clamped to N (default: $SOURCE_DATE_EPOCH)',
    },
  },
  positionals: { name: IMG_DIR_BASE_KEY, meaning: 'where images are written', max: 1 },
  compatDirectory: true,
  streams: true,
  async run(ctx) {
    const epoch = sourceDateEpoch(ctx.values['source-date-epoch'], ctx.env);
    // The invoking user's config first, before anything that can block or be cancelled.
    const base = resolveImgDirBase(ctx.positionals[0], ctx.srcDir, ctx.env);
    const cacheDir = resolveCacheDir(
      typeof ctx.values['cache-dir'] === 'string' ? ctx.values['cache-dir'] : undefined,
      ctx.srcDir,
      ctx.env,
    );
    const cancellation = watchCancellation({ watchStdin: ctx.output.json });
    try {
      const { emit } = eventSink(ctx.output, ctx.stdout, ctx.stderr, process.cwd());
      return await build({
        srcDir: ctx.srcDir,
        imgDirBase: base.path,
        sourceDateEpoch: epoch,
        force: ctx.values.force === true,
        strict: ctx.values.strict === true,
        cache: {
          dir: cacheDir,
          refresh: ctx.values['no-cache'] === true,
          maxAgeMs: durationOption(ctx.values['cache-max-age'], '--cache-max-age'),
          limitBytes: DEFAULT_CACHE_LIMIT,
        },
        owner: outputOwner(ctx.env),
        caller: pkexecCaller(ctx.env),
        signal: cancellation.signal,
        emit,
        cancelReason: cancellation.reason,
      });
    } catch (e) {
      if (cancellation.signal.aborted) return EXIT.CANCELLED;
      throw e;
    } finally {
      cancellation.dispose();
    }
  },
};
