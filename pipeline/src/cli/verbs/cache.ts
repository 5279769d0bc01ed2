/** `makeimg cache list | clean ...`: the install cache (../cache-command.ts). */
import { EXIT } from '../../../../shared/events';
import { parseDuration, parseSize } from '../../cache/age';
import { watchCancellation } from '../../cancel';
import { resolveCacheDir } from '../../config';
import { runCacheCommand, type CleanOptions } from '../cache-command';
import { UsageError } from '../command-line';
import type { Verb } from '../verb';

export const CACHE_DIR_OPTION = {
  type: 'string',
  valueName: 'DIR',
  help: 'the install cache (default /var/cache/makeimg, or cache_dir= in ~/.config/makeimg.conf)',
} as const;

/** A duration option (90s, 30m, 12h, 7d) in milliseconds. */
export function durationOption(value: string | boolean | undefined, name: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`${name} must be a duration such as 90s, 30m, 12h or 7d, got ${JSON.stringify(value)}`);
  return ms;
}

export function cleanOptions(values: Record<string, string | boolean | undefined>): CleanOptions | undefined {
  let clean: CleanOptions | undefined;
  if (values.all) clean = { ...clean, all: true };
  const older = durationOption(values['older-than'], '--older-than');
  if (older !== undefined) clean = { ...clean, olderThanMs: older };
  if (typeof values['keep-size'] === 'string') {
    const bytes = parseSize(values['keep-size']);
    if (bytes === undefined)
      throw new UsageError(`--keep-size must be a size such as 5G or 500M, got ${JSON.stringify(values['keep-size'])}`);
    clean = { ...clean, keepBytes: bytes };
  }
  return clean;
}

export const cacheVerb: Verb = {
  name: 'cache',
  summary: 'the install cache: cache list, cache clean --all | --older-than D | --keep-size SIZE (root)',
  synopsis: 'list | clean [--all | --older-than D | --keep-size SIZE] [--cache-dir DIR]',
  description: `cache list shows the install cache's entries: key, image.sh, size, age, last use.
cache clean removes entries: --all, --older-than D (e.g. 7d), --keep-size SIZE (e.g. 5G: least
recently used out first).`,
  options: {
    'cache-dir': CACHE_DIR_OPTION,
    all: { type: 'boolean', help: 'cache clean: every entry' },
    'older-than': { type: 'string', valueName: 'D', help: 'cache clean: entries built longer ago than D' },
    'keep-size': { type: 'string', valueName: 'SIZE', help: 'cache clean: least recently used out until at most SIZE is left' },
  },
  positionals: { name: 'ACTION', meaning: 'list or clean', max: 1 },
  streams: true,
  async run(ctx) {
    const action = ctx.positionals[0];
    if (action !== 'list' && action !== 'clean')
      throw new UsageError(`makeimg cache needs list or clean, got ${JSON.stringify(action ?? '')}`);
    const clean = cleanOptions(ctx.values);
    if (action === 'clean' && !clean) throw new UsageError('makeimg cache clean needs --all, --older-than D or --keep-size SIZE');
    if (action === 'list' && clean) throw new UsageError('--all, --older-than and --keep-size are options of makeimg cache clean');
    if (process.geteuid?.() !== 0) {
      ctx.stderr.write('makeimg: the install cache belongs to root: run makeimg cache as root\n');
      return EXIT.INVALID;
    }
    const dir = resolveCacheDir(typeof ctx.values['cache-dir'] === 'string' ? ctx.values['cache-dir'] : undefined, process.cwd(), ctx.env);
    const cancellation = watchCancellation({ watchStdin: false });
    try {
      return await runCacheCommand(action, { dir, json: ctx.output.json, clean, signal: cancellation.signal }, ctx.stdout);
    } catch (e) {
      ctx.stderr.write(`makeimg: install cache ${dir}: ${(e as Error).message}\n`);
      return EXIT.INVALID;
    } finally {
      cancellation.dispose();
    }
  },
};
