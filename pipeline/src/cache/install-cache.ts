/**
 * The install stage's use of the cache (store.ts), as the build sees it:
 * before preinstall, plan (hit: restore instead of preinstall + do_install;
 * miss: run them, then save); after the build, keep the cache under its size
 * limit. A cache that cannot be used, or a save that fails (a full disk),
 * is a warning: the build itself goes on and its result is the same.
 */
import { formatAge, formatBytes } from '../../../shared/units';
import { CacheStore, CacheUnusableError, type EntryMeta } from './store';

export interface CacheSettings {
  dir: string;
  /** --no-cache: never reuse an entry; run do_install and refresh it. */
  refresh: boolean;
  /** --cache-max-age: an older entry is stale (rebuilt and replaced). */
  maxAgeMs?: number;
  /** Size limit in bytes, enforced after each build (least recently used out first). */
  limitBytes: number;
}

type Say = (text: string) => void;

export type InstallPlan =
  | { kind: 'off' }
  | { kind: 'hit'; store: CacheStore; meta: EntryMeta; release: () => Promise<void> }
  /** `release` is undefined when another build holds the key: do_install runs and nothing is saved. */
  | { kind: 'miss'; store: CacheStore; key: string; release?: () => Promise<void> };

/** Opens the store, or says why the build goes on without it. */
export async function openCache(settings: CacheSettings, warn: Say): Promise<CacheStore | undefined> {
  try {
    return await CacheStore.open(settings.dir);
  } catch (e) {
    const why = e instanceof CacheUnusableError ? e.message : (e as Error).message;
    warn(`install cache unusable (${why}); building without it`);
    return undefined;
  }
}

function fresh(meta: EntryMeta, settings: CacheSettings): boolean {
  return settings.maxAgeMs === undefined || Date.now() - meta.created <= settings.maxAgeMs;
}

/**
 * Decides whether the install stage is restored. Holds the key's lock from
 * here until the restore or the save is done (release), so two builds of
 * one key never write one entry at once: the second waits and then usually
 * finds the first's entry; with --no-cache it does not wait, and runs
 * do_install without saving.
 */
export async function planInstall(
  store: CacheStore,
  key: string,
  settings: CacheSettings,
  signal: AbortSignal,
  say: Say,
): Promise<InstallPlan> {
  const held = await store.lock(key, {
    wait: !settings.refresh,
    signal,
    onWait: (pid) => say(`waiting for another makeimg (pid ${pid}) that is installing the same image; its install will be reused`),
  });
  if (!('release' in held)) {
    say(`another makeimg (pid ${held.heldBy}) holds this install's cache entry: do_install runs and its result is not saved`);
    return { kind: 'miss', store, key };
  }
  if (settings.refresh) {
    say('--no-cache: do_install runs and its result replaces the cache entry');
    return { kind: 'miss', store, key, release: held.release };
  }
  const meta = await store.lookup(key);
  if (meta && fresh(meta, settings)) return { kind: 'hit', store, meta, release: held.release };
  if (meta) say(`the cached install was built ${formatAge(Date.now() - meta.created)}, older than --cache-max-age: rebuilding it`);
  return { kind: 'miss', store, key, release: held.release };
}

/** After do_install succeeded: save $img_dir under the plan's key (a failure is a warning). */
export async function saveInstall(
  plan: Extract<InstallPlan, { kind: 'miss' }>,
  imgDir: string,
  info: Pick<EntryMeta, 'imageFile' | 'version'>,
  signal: AbortSignal,
  say: Say,
  warn: Say,
): Promise<void> {
  if (!plan.release) return;
  const t0 = Date.now();
  say('saving the install to the cache');
  try {
    const meta = await plan.store.save(plan.key, imgDir, info, signal);
    say(`saved the install to the cache (${formatBytes(meta.bytes)} in ${Date.now() - t0} ms)`);
  } catch (e) {
    if (signal.aborted) throw e;
    warn(`could not save the install to the cache (${(e as Error).message}); the build goes on without it`);
  }
}

/** After the build: evict least recently used entries until the cache fits its limit. */
export async function enforceLimit(store: CacheStore, settings: CacheSettings, signal: AbortSignal, warn: Say): Promise<void> {
  try {
    await store.evict((_m, total) => total <= settings.limitBytes, signal);
  } catch (e) {
    warn(`could not trim the install cache (${(e as Error).message})`);
  }
}
