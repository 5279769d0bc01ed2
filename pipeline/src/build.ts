/**
 * The build: resolve -> preinstall -> install -> postinstall -> archive
 * (shared/contract.ts STAGES), reported as shared/events.ts events. Returns
 * the exit code. Nothing is created before resolve succeeded; on failure
 * $img_dir is kept and the result says so; on success it is removed once
 * archived, as in the original.
 */
import { existsSync, mkdirSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ARCHIVE_SUFFIX_PREFIX, DO_INSTALL, DO_POSTINSTALL, IMG_NAME, STAGES, type StageName } from '../../shared/contract';
import { EXIT, type BuildEvent, type StageEvent } from '../../shared/events';
import { cacheKey } from './cache/key';
import { enforceLimit, openCache, planInstall, saveInstall, type CacheSettings, type InstallPlan } from './cache/install-cache';
import type { CacheStore } from './cache/store';
import { version } from './version';
import { archiveImage } from './archive/stage';
import type { LineSink } from '../../shared/process';
import { FloodGate } from './log-flood';
import { copyFiles, CopyRefusedError, resolveDestination, resolveSource } from './stages/copy-files';
import { CancelledError, InvalidInputError, isAbortError, OutputExistsRefusal, StageFailedError } from './errors';
import { evaluateImage, type ImageDescription } from './stages/evaluate';
import { runInstall, runPostinstall } from './stages/hooks';
import { checkHost, systemdIsPid1 } from './host';
import { asUser, type InvokingUser } from './config';
import { hookDevicePolicy } from './confine/device-policy';
import {
  checkImageSubdirectories,
  checkImgDirBase,
  checkNameLengths,
  createImageDir,
  forcedPaths,
  holdImgDirParent,
  publicImageMode,
  imagePaths,
  refuseExisting,
  sweepLeftovers,
  takeLease,
  type HeldImage,
  type ImageLease,
  type ImagePaths,
} from './image-paths';
import { isStillThere, MountHolder } from './confine/held-dirs';
import { createImgDirBase, publishDirectory, removeTree, removeTrees, type Owner } from './outputs';
import { removeStaleControlDirs } from './confine/control-dir';
import { checkDescription, filePairs } from './validate';
import { readHostFacts } from './report/hygiene';
import { reportSettings } from './report/image-sh-settings';
import { buildReport } from './report/report';
import { scanTree } from './report/scan-tree';
import type { ImageScan } from './report/scan';
import type { ImageReport } from '../../shared/image-report';

export interface BuildOptions {
  srcDir: string;
  imgDirBase: string;
  /** Fail (exit 1, the image kept) when the report has hygiene findings. */
  strict?: boolean;
  sourceDateEpoch?: number;
  signal: AbortSignal;
  /** Reports an event; a returned promise means the output is full: a hook's output waits until it settles. */
  emit: (e: BuildEvent) => void | Promise<void>;
  /** Replace an existing image once the new one is complete, and remove a kept working directory first. */
  force?: boolean;
  /** Who img_dir_base (when created) and the image belong to (the invoking user); undefined: root. */
  owner?: Owner;
  /** Say why a cancellation happened ("by SIGTERM", "from the editor"). */
  cancelReason?: () => string | undefined;
  /** The install cache; undefined: no cache at all. */
  cache?: CacheSettings;
  /** A user pkexec ran makeimg for (config.ts pkexecCaller): root creates, replaces and removes only in their directories. */
  caller?: InvokingUser;
}

interface Resolved {
  description: ImageDescription;
  paths: ImagePaths;
  /** --force: kept working directories to remove (in the image's directory), once it is held. */
  remove: string[];
}

export async function build(o: BuildOptions): Promise<number> {
  const started = Date.now();
  const emit = o.emit;
  let current: StageName | undefined;
  let created: ImagePaths | undefined;
  let lease: ImageLease | undefined;
  let holder: MountHolder | undefined;

  const index = (s: StageName): number => STAGES.indexOf(s) + 1;
  const total = STAGES.length;
  const checkCancelled = (): void => {
    if (o.signal.aborted) throw new CancelledError(o.cancelReason?.() ?? 'cancelled');
  };
  const stage = async <T>(name: StageName, run: () => Promise<T>, extra: Partial<StageEvent> = {}): Promise<T> => {
    checkCancelled();
    current = name;
    await emit({ type: 'stage', stage: name, index: index(name), total, state: 'start', ...extra });
    const t0 = Date.now();
    let result: T;
    try {
      result = await run();
    } finally {
      await logGates.get(name)?.flush();
    }
    checkCancelled();
    await emit({ type: 'stage', stage: name, index: index(name), total, state: 'end', ms: Date.now() - t0 });
    return result;
  };
  const skip = async (name: StageName, reason: string): Promise<void> => {
    checkCancelled();
    await emit({ type: 'stage', stage: name, index: index(name), total, state: 'skip', reason });
  };
  // A hook's output reaches the events through one flood gate per stage (log-flood.ts), and the
  // renderer's back-pressure reaches the hook: the process runner stops reading while emit is busy.
  const logGates = new Map<StageName, FloodGate>();
  const logTo = (name: StageName): LineSink => {
    let gate = logGates.get(name);
    if (!gate) {
      gate = new FloodGate((stream, text, dropped) =>
        emit({ type: 'log', stage: name, stream, text, ...(dropped !== undefined && { dropped }) }),
      );
      logGates.set(name, gate);
    }
    const g = gate;
    return (stream, text) => g.line(stream, text);
  };
  const say =
    (name: StageName) =>
    (text: string): void =>
      void logTo(name)('stdout', text);
  const warn =
    (name: StageName) =>
    (text: string): void =>
      void logTo(name)('stderr', `warning: ${text}`);
  const env: Record<string, string> = o.sourceDateEpoch !== undefined ? { SOURCE_DATE_EPOCH: String(o.sourceDateEpoch) } : {};
  let store: CacheStore | undefined;
  let plan = { kind: 'off' } as InstallPlan;

  try {
    checkHost();
    // The build host as it is now, to recognise its files in the image later.
    const host = await readHostFacts();
    const { description, paths, remove } = await stage('resolve', async () => {
      const r = await resolve(o, logTo('resolve'));
      if (o.cache) store = await openCache(o.cache, warn('resolve'));
      if (o.cache && store) {
        const key = await cacheKey({
          version: version(),
          srcDir: o.srcDir,
          sourceDateEpoch: o.sourceDateEpoch,
          description: r.description,
          preinstall: filePairs(r.description, 'preinstall'),
        });
        plan = await planInstall(store, key, o.cache, o.signal, say('resolve'));
      }
      return r;
    });
    if (o.caller) {
      // Created as the caller, with their permissions: where they could not create a directory, neither does root.
      const caller = o.caller;
      for (const dir of [paths.imgDirBase, path.dirname(paths.imgPath)]) {
        if (existsSync(dir)) continue; // theirs or not: the held directory's check says (holdImgDirParent)
        try {
          asUser(caller, () => mkdirSync(dir, { recursive: true }));
        } catch (e) {
          throw new InvalidInputError(`cannot create ${dir} as you (uid ${caller.uid}): ${(e as NodeJS.ErrnoException).code}`);
        }
      }
    } else {
      await createImgDirBase(paths.imgDirBase, o.owner);
      // img_name's own directories (sub/x.tar.gz): created inside img_dir_base, the user's too.
      await createImgDirBase(path.dirname(paths.imgPath), o.owner);
    }
    // From here on the build reaches its directories only as held (confine/held-dirs.ts), never by name.
    holder = await MountHolder.start();
    const out = await holdImgDirParent(holder, paths, o.owner?.uid, o.caller?.uid);
    for (const dir of remove) {
      say('resolve')(`removing the kept working directory ${dir} (--force)`);
      await removeTree(dir, path.join(out.path, path.basename(dir)));
    }
    lease = await takeLease(paths, out.path);
    const held: HeldImage = { out, img: await createImageDir(holder, paths, out) };
    created = paths;
    /** $img_dir and $img_path as this process reaches them. */
    const work = { imgDir: held.img.path, imgPath: path.join(out.path, path.basename(paths.imgPath)) };
    const devices = await hookDevicePolicy(warn('install'));
    const hookContext = { srcDir: o.srcDir, paths, held: held.img, holder, devices, description, env, signal: o.signal };

    const pre = filePairs(description, 'preinstall');
    const install = async (): Promise<void> => {
      await runInstall({ ...hookContext, onLine: logTo('install') });
      // The install stage's tree (and its cache entry) has the usual root mode.
      await publicImageMode(held.img);
      if (plan.kind === 'miss') {
        await saveInstall(
          plan,
          work.imgDir,
          { imageFile: description.imageFile, version: version() },
          o.signal,
          say('install'),
          warn('install'),
        );
      }
    };
    if (plan.kind === 'hit') {
      const hit = plan;
      await skip('preinstall', pre.length === 0 ? 'no preinstall files' : `restored with the install stage from the cache`);
      await stage(
        'install',
        async () => {
          try {
            await hit.store.restore(hit.meta, work.imgDir, o.signal);
          } catch (e) {
            if (o.signal.aborted) throw e;
            // The entry could not be read back: build the stage for real instead.
            warn('install')(`could not restore the cached install (${(e as Error).message}); running ${DO_INSTALL}`);
            await emptyDirectory(work.imgDir);
            await copyStage(o.srcDir, work.imgDir, pre, logTo('install'));
            await runInstall({ ...hookContext, onLine: logTo('install') });
          }
        },
        { cached: true, cacheKey: hit.meta.key, cacheAgeMs: Date.now() - hit.meta.created, cacheBytes: hit.meta.bytes },
      );
    } else {
      if (pre.length === 0) await skip('preinstall', 'no preinstall files');
      else await stage('preinstall', () => copyStage(o.srcDir, work.imgDir, pre, logTo('preinstall')));
      await stage('install', install, plan.kind === 'miss' ? { cached: false, cacheKey: plan.key } : {});
    }
    if (plan.kind !== 'off') await plan.release?.();

    const post = filePairs(description, 'postinstall');
    const hasHook = Boolean(description.hooks[DO_POSTINSTALL]);
    if (post.length === 0 && !hasHook) await skip('postinstall', `no postinstall files and no ${DO_POSTINSTALL}`);
    else {
      await stage('postinstall', async () => {
        await copyStage(o.srcDir, work.imgDir, post, logTo('postinstall'));
        if (hasHook) await runPostinstall({ ...hookContext, onLine: logTo('postinstall') });
      });
    }

    await publicImageMode(held.img);
    const settings = await reportSettings(description);
    // The report reads the tree being archived: one walk alongside tar and the compressor, started once they
    // run (it also gives the progress total); the report is computed as soon as the walk is done.
    let reporting: Promise<{ scan: ImageScan; report: ImageReport }> | undefined;
    const scanAndReport = (): Promise<ImageScan> => {
      const scanning = scanTree(work.imgDir, o.signal);
      reporting = scanning.then((scan) => ({ scan, report: buildReport(scan, { host, disabled: settings.disabled }) }));
      return scanning;
    };
    let bytes: number;
    if (paths.archived) {
      bytes = await stage('archive', async () => {
        const r = await archiveImage({
          sourceDir: work.imgDir,
          outputPath: work.imgPath,
          sourceDateEpoch: o.sourceDateEpoch,
          signal: o.signal,
          onProgress: (done, all) => emit({ type: 'progress', stage: 'archive', done, total: all }),
          onWarning: (message) => emit({ type: 'log', stage: 'archive', stream: 'stderr', text: message }),
          treeBytes: () => scanAndReport().then(treeBytesOf),
          replace: o.force,
          owner: o.owner,
        });
        await reporting;
        return r.bytes;
      });
    } else {
      await skip('archive', `${IMG_NAME} has no ${ARCHIVE_SUFFIX_PREFIX} suffix: the directory is the image`);
      bytes = treeBytesOf(await scanAndReport());
    }
    const { scan, report } = await reporting!;
    for (const note of scan.notes) await emit({ type: 'log', stage: 'archive', stream: 'stderr', text: note });
    await emit({ type: 'report', imgPath: paths.imgPath, report, file: description.imageFile, line: settings.imgNameLine });
    if (paths.archived) {
      // Published: the build succeeded. A working directory that cannot be removed is a warning, not a failure.
      try {
        await removeHeldImageDir(held);
      } catch (e) {
        await emit({
          type: 'log',
          stage: 'archive',
          stream: 'stderr',
          text: `warning: the image is complete, but its working directory ${paths.imgDir} could not be removed (${holder.shown((e as Error).message)}); remove it with makeimg clean --keep-image`,
        });
      }
    } else {
      const owner = o.owner;
      if (owner) await held.img.handle.chown(owner.uid, owner.gid);
      const name = path.basename(paths.imgDir);
      if (!(await isStillThere(held.out, name, held.img))) {
        throw new StageFailedError(
          `the image directory ${paths.imgDir} was moved away or replaced during the build (by someone else); it is not published`,
        );
      }
      if (paths.imgDir !== paths.imgPath) await publishDirectory(path.join(out.path, name), work.imgPath);
    }
    if (o.strict && report.findings.length > 0) {
      const codes = [...new Set(report.findings.map((f) => f.code))].join(', ');
      await emit({
        type: 'error',
        message: `--strict: the image has ${report.findings.length} hygiene finding(s) (${codes}); ${paths.imgPath} is kept`,
        file: description.imageFile,
        line: settings.imgNameLine,
      });
      await emit({ type: 'result', ok: false, imgPath: paths.imgPath, bytes, kept: [paths.imgPath], ms: Date.now() - started });
      return EXIT.BUILD_FAILED;
    }
    await emit({ type: 'result', ok: true, imgPath: paths.imgPath, bytes, ms: Date.now() - started });
    return EXIT.OK;
  } catch (e) {
    const kept = created ? [created.imgDir] : [];
    if (isAbortError(e) || o.signal.aborted) {
      const why = o.cancelReason?.() ?? (e instanceof CancelledError ? e.why : undefined);
      await emit({
        type: 'result',
        ok: false,
        cancelled: true,
        reason: why,
        stage: current,
        imgPath: created?.imgPath,
        kept,
        ms: Date.now() - started,
      });
      return EXIT.CANCELLED;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    // Messages name the directories as the user knows them, not as held.
    if (holder) err.message = holder.shown(err.message);
    const located = e instanceof InvalidInputError || e instanceof StageFailedError ? e : undefined;
    const where = kept.length
      ? ` (the working directory ${kept[0]} is kept for inspection; remove it with makeimg clean --keep-image)`
      : '';
    const existing = e instanceof OutputExistsRefusal ? e.existing : undefined;
    await emit({
      type: 'error',
      stage: current,
      message: err.message + where,
      file: located?.file,
      line: located?.line,
      ...(existing ? { existing } : {}),
    });
    await emit({ type: 'result', ok: false, imgPath: created?.imgPath, kept, ms: Date.now() - started });
    return located?.exitCode ?? EXIT.BUILD_FAILED;
  } finally {
    if (plan.kind !== 'off') await plan.release?.();
    // After each build, failed ones included; cancelled ones stop as soon as they can.
    if (store && o.cache && !o.signal.aborted) await enforceLimit(store, o.cache, o.signal, () => undefined);
    await lease?.release();
    await holder?.stop();
  }
}

/**
 * An archived build's working directory goes: emptied through the held
 * directory, then its name removed only if it is still that directory (an
 * empty directory only: rmdir).
 */
async function removeHeldImageDir(held: HeldImage): Promise<void> {
  await emptyDirectory(held.img.path);
  const name = path.basename(held.img.real);
  if (!(await isStillThere(held.out, name, held.img))) {
    throw new Error(`${held.img.real} was moved away or replaced during the build; what is there now is left alone`);
  }
  await fs.rmdir(path.join(held.out.path, name));
}

async function emptyDirectory(dir: string): Promise<void> {
  await removeTrees((await fs.readdir(dir)).map((name) => path.join(dir, name)));
}

/** Evaluate image.sh confined, then check it (checkDescription) before anything is created. */
async function resolve(o: BuildOptions, onLine: LineSink): Promise<Resolved> {
  for (const note of await removeStaleControlDirs()) await onLine('stdout', note);
  const description = await evaluateImage(o.srcDir, { signal: o.signal, onLine });
  const checked = await checkDescription(description, o.srcDir, o.imgDirBase, { force: o.force, onNote: (note) => onLine('stdout', note) });
  let paths = checked;
  let remove: string[] = [];
  if (o.force) {
    // Everything is checked: now the leftovers of an earlier build of this image go.
    const forced = await forcedPaths(checked);
    if (o.caller) await checkCallersImage(checked.imgPath, o.caller);
    remove = forced.remove;
    paths = forced.paths;
  }
  await onLine(
    'stdout',
    `image: ${paths.imgPath}${o.force && paths.imgDir !== checked.imgDir ? ' (replaced when the new one is complete)' : ''}`,
  );
  if (paths.archived) await onLine('stdout', `working directory: ${paths.imgDir}`);
  return { description, paths, remove };
}

/** For a pkexec caller (BuildOptions.caller), --force replaces only an image of theirs. */
async function checkCallersImage(imgPath: string, caller: InvokingUser): Promise<void> {
  const st = await fs.lstat(imgPath).catch(() => undefined);
  if (st && st.uid !== caller.uid) {
    throw new InvalidInputError(`${imgPath} belongs to uid ${st.uid}, not to you: through pkexec, --force replaces only your own images`);
  }
}

async function copyStage(srcDir: string, imgDir: string, pairs: { src: string; dst: string }[], onLine: LineSink): Promise<void> {
  try {
    await copyFiles(srcDir, imgDir, pairs, (p) => onLine('stdout', `copy ${p.src} -> ${path.posix.join('/', p.dst)}`));
  } catch (e) {
    if (e instanceof CopyRefusedError) throw new StageFailedError(`copy refused: ${e.message}`);
    throw e;
  }
}

/** Content bytes of the regular files, each hard-linked file once: what tar reads. */
function treeBytesOf(scan: ImageScan): number {
  return scan.entries.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0);
}
