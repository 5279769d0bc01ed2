/**
 * Runs the two hooks:
 * - do_install in the confined host (image.sh sourced from its real path,
 *   `set -e`, ERR trap): a failure names the image.sh line that failed;
 * - do_postinstall with /bin/bash inside the new rootfs (`systemd-nspawn -D
 *   $img_dir`), with only the functions and variables image.sh defines; a
 *   failure names the image.sh line when the failing command (or a call
 *   leading to it) is in a plain definition (postinstall-lines.ts).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DO_INSTALL, DO_POSTINSTALL, type StageName } from '../../shared/contract';
import { runChild, type ChildResult, type Stream } from './child-process';
import { DRIVER_FILE, ERRORS_FILE, withControlDir, writeDriver } from './control-dir';
import { installScript, postinstallScript } from './driver-scripts';
import { CancelledError, StageFailedError } from './errors';
import type { ImageDescription } from './evaluate';
import type { ImagePaths } from './image-paths';
import { CONTROL_MOUNT, isNspawnNoise, nspawnArgv, uniqueMachineName } from './nspawn';
import { failingReport, locateFailure, ORIGINALS_FILE, originalsFile, parseErrReport, type ErrReport } from './postinstall-lines';

export interface HookContext {
  srcDir: string;
  paths: ImagePaths;
  description: ImageDescription;
  /** Extra environment for the hooks (SOURCE_DATE_EPOCH). */
  env: Record<string, string>;
  signal: AbortSignal;
  onLine: (stream: Stream, text: string) => void;
}

function filterNoise(onLine: HookContext['onLine']): HookContext['onLine'] {
  return (stream, text) => {
    if (!isNspawnNoise(text)) onLine(stream, text);
  };
}

function describeExit(r: ChildResult): string {
  return r.code !== undefined ? `exit ${r.code}` : `killed by ${r.signal}`;
}

/** The first failing command the ERR trap recorded in image.sh itself. */
export function failingLine(errorsText: string, imageFile: string): number | undefined {
  for (const line of errorsText.split('\n')) {
    const [, file, lineNo] = line.split('\t');
    if (file === imageFile && lineNo && /^\d+$/.test(lineNo)) return Number(lineNo);
  }
  return undefined;
}

export async function runInstall(ctx: HookContext): Promise<void> {
  const { srcDir, paths } = ctx;
  await withControlDir(async (controlDir) => {
    await writeDriver(controlDir, installScript({ srcDir, imgDir: paths.imgDir, imgPath: paths.imgPath }));
    const argv = nspawnArgv({
      place: 'confined-host',
      machine: uniqueMachineName(),
      controlDir,
      srcDir,
      imgDir: paths.imgDir,
      env: ctx.env,
      command: ['/bin/bash', `${CONTROL_MOUNT}/${DRIVER_FILE}`],
    });
    const result = await runChild(argv, { signal: ctx.signal, onLine: filterNoise(ctx.onLine) });
    if (result.aborted) throw new CancelledError(`during ${DO_INSTALL}`);
    if (result.code === 0) return;
    const errors = await fs.readFile(path.join(controlDir, ERRORS_FILE), 'utf8').catch(() => '');
    const file = ctx.description.imageFile;
    const line = failingLine(errors, file) ?? ctx.description.hooks[DO_INSTALL]?.line;
    throw new StageFailedError(`${DO_INSTALL} failed (${describeExit(result)})`, 'install', file, line);
  });
}

/** ERR reports kept from do_postinstall: enough for any call chain. */
const MAX_REPORTS = 64;

/** True when the image has something to run /bin/bash with. */
async function hasBash(imgDir: string): Promise<boolean> {
  try {
    // Resolve inside the image: /bin may be a relative link to usr/bin.
    const stat = await fs.stat(path.join(imgDir, 'bin/bash'));
    return stat.isFile();
  } catch {
    return false;
  }
}

/**
 * nspawn's --resolv-conf=bind-host creates an empty /etc/resolv.conf to
 * mount over when the image has none; remove that placeholder afterwards so
 * nothing of the build host stays in the image.
 */
async function resolvConfPlaceholder(imgDir: string): Promise<() => Promise<void>> {
  const file = path.join(imgDir, 'etc/resolv.conf');
  const before = await fs.lstat(file).catch(() => undefined);
  return async () => {
    if (before) return;
    const after = await fs.lstat(file).catch(() => undefined);
    if (after?.isFile() && after.size === 0) await fs.rm(file);
  };
}

export async function runPostinstall(ctx: HookContext, stage: StageName = 'postinstall'): Promise<void> {
  const { paths, description } = ctx;
  const hook = description.hooks[DO_POSTINSTALL];
  if (!(await hasBash(paths.imgDir))) {
    throw new StageFailedError(
      `${DO_POSTINSTALL} runs with /bin/bash inside the image, but ${paths.imgDir} has no /bin/bash: install bash in ${DO_INSTALL}`,
      stage,
      description.imageFile,
      hook?.line,
    );
  }
  await withControlDir(async (controlDir) => {
    const originals = originalsFile(description.originals);
    if (originals !== undefined) await fs.writeFile(path.join(controlDir, ORIGINALS_FILE), originals, { mode: 0o600 });
    const errMarker = `makeimg-err-${randomBytes(8).toString('hex')}`;
    await writeDriver(controlDir, postinstallScript({ definitions: description.definitions, withOriginals: originals !== undefined, errMarker }));
    const argv = nspawnArgv({
      place: 'rootfs',
      machine: uniqueMachineName(),
      controlDir,
      imgDir: paths.imgDir,
      env: ctx.env,
      command: ['/bin/bash', `${CONTROL_MOUNT}/${DRIVER_FILE}`],
    });
    // The ERR trap's reports are not hook output. The last ones decide
    // (a hook with `set +e` may report many failures it survived).
    const reports: ErrReport[] = [];
    const onLine = filterNoise(ctx.onLine);
    const cleanUp = await resolvConfPlaceholder(paths.imgDir);
    let result: ChildResult;
    try {
      result = await runChild(argv, {
        signal: ctx.signal,
        onLine: (stream, text) => {
          const report = stream === 'stderr' ? parseErrReport(text, errMarker) : undefined;
          if (!report) onLine(stream, text);
          else if (reports.push(report) > MAX_REPORTS) reports.shift();
        },
      });
    } finally {
      await cleanUp();
    }
    if (result.aborted) throw new CancelledError(`during ${DO_POSTINSTALL}`);
    if (result.code !== 0) {
      const failure = locateFailure(failingReport(reports));
      const where = failure.where ? ` ${failure.where}` : '';
      throw new StageFailedError(`${DO_POSTINSTALL} failed (${describeExit(result)})${where}`, stage, description.imageFile, failure.line ?? hook?.line);
    }
  });
}
