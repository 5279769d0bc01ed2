/**
 * Runs the two hooks, each with `set -eE` and an ERR trap whose reports name
 * the image.sh line of a failing command and the calls that led to it
 * (err-reports.ts):
 * - do_install in the confined host, image.sh sourced from its real path;
 * - do_postinstall with /bin/bash inside the new rootfs (`systemd-nspawn -D
 *   $img_dir`), with only the functions and variables image.sh defines, plain
 *   definitions at their image.sh lines (postinstall-lines.ts).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DO_INSTALL, DO_POSTINSTALL } from '../../../shared/contract';
import type { LineSink, ProcessOutcome } from '../../../shared/process';
import { ControlDir, ORIGINALS_PATH, runDriver } from '../confine/control-dir';
import { installDriver, postinstallDriver } from '../confine/driver-scripts';
import { errReportCollector, failingReport, locateFailure, newErrMarker, type ErrReport } from '../confine/err-reports';
import { CancelledError, describeEnd, StageFailedError } from '../errors';
import type { ImageDescription } from './evaluate';
import type { ImagePaths } from '../image-paths';
import { originalsFile } from '../confine/postinstall-lines';
import type { HeldDir, MountHolder } from '../confine/held-dirs';
import type { DevicePolicy } from '../confine/device-policy';

export interface HookContext {
  srcDir: string;
  /** The paths image.sh sees (and messages name). */
  paths: ImagePaths;
  /** $img_dir as held, and the namespace nspawn runs in to reach it (held-dirs.ts). */
  held: HeldDir;
  holder: MountHolder;
  /** The hooks' device policy (device-policy.ts); undefined: systemd's (PID 1), or none to be had here. */
  devices?: DevicePolicy;
  description: ImageDescription;
  /** Extra environment for the hooks (SOURCE_DATE_EPOCH). */
  env: Record<string, string>;
  signal: AbortSignal;
  onLine: LineSink;
}

/**
 * The error for a hook that exited non-zero: the failing command (its text
 * and image.sh line) when the ERR reports name it, and the cause as the
 * hook's last stderr lines (`do_install failed (exit 1) running \`cp /x
 * "$img_dir"\`: cp: cannot stat '/x': No such file or directory`).
 */
function hookFailed(
  hook: string,
  r: ProcessOutcome,
  output: { reports: ErrReport[]; stderrTail: string[] },
  at: { imageFile: string; bashFile: string; hookLine?: number },
): StageFailedError {
  const failure = locateFailure(failingReport(output.reports), hook, at.bashFile);
  const running = failure.command ? ` running \`${failure.command}\`` : '';
  const where = failure.where ? ` ${failure.where}` : '';
  const cause = output.stderrTail.length ? `: ${output.stderrTail.join('\n')}` : '';
  return new StageFailedError(`${hook} failed (${describeEnd(r)})${running}${where}${cause}`, at.imageFile, failure.line ?? at.hookLine);
}

/** The driver ended with status 0 but the hook never returned: image.sh's top level (or the hook) ran `exit 0`. */
function hookDidNotRun(hook: string, description: ImageDescription): StageFailedError {
  return new StageFailedError(
    `${hook} did not run to its end: the driver exited with status 0 before ${hook} returned ` +
      `(an \`exit\` at image.sh's top level or in ${hook}?); makeimg does not take that for a finished ${hook}`,
    description.imageFile,
    description.hooks[hook]?.line,
  );
}

/** A hook's nspawn: in the device policy's cgroup, inside the mount namespace where $img_dir is held. */
function enterContainer(ctx: HookContext, argv: string[]): string[] {
  return ctx.holder.enter(ctx.devices ? ctx.devices.enter(argv) : argv);
}

export async function runInstall(ctx: HookContext): Promise<void> {
  const { srcDir, paths, description } = ctx;
  await ControlDir.use(async (control) => {
    const errMarker = newErrMarker();
    const output = errReportCollector(errMarker, ctx.onLine);
    const result = await runDriver(
      installDriver({ srcDir, imgDir: paths.imgDir, imgPath: paths.imgPath, errMarker }),
      control,
      { place: 'confined-host', privilege: 'installer', srcDir, imgDir: paths.imgDir, imgDirSource: ctx.held.inside, env: ctx.env },
      { signal: ctx.signal, onLine: output.onLine, enter: (argv) => enterContainer(ctx, argv) },
    );
    if (result.kind === 'cancelled') throw new CancelledError(`during ${DO_INSTALL}`);
    if (result.kind === 'ok') {
      if (!output.hookReturned()) throw hookDidNotRun(DO_INSTALL, description);
      return;
    }
    // The confinement binds $src_dir at its own path: bash knows image.sh by its real name.
    throw hookFailed(DO_INSTALL, result, output, {
      imageFile: description.imageFile,
      bashFile: description.imageFile,
      hookLine: description.hooks[DO_INSTALL]?.line,
    });
  });
}

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

export async function runPostinstall(ctx: HookContext): Promise<void> {
  const { paths, description } = ctx;
  const hook = description.hooks[DO_POSTINSTALL];
  if (!(await hasBash(ctx.held.path))) {
    throw new StageFailedError(
      `${DO_POSTINSTALL} runs with /bin/bash inside the image, but ${paths.imgDir} has no /bin/bash: install bash in ${DO_INSTALL}`,
      description.imageFile,
      hook?.line,
    );
  }
  await ControlDir.use(async (control) => {
    const originals = originalsFile(description.originals);
    const errMarker = newErrMarker();
    const output = errReportCollector(errMarker, ctx.onLine);
    const cleanUp = await resolvConfPlaceholder(ctx.held.path);
    let result: ProcessOutcome;
    try {
      result = await runDriver(
        postinstallDriver({ definitions: description.definitions, originals, errMarker }),
        control,
        { place: 'rootfs', privilege: 'installer', imgDir: paths.imgDir, imgDirSource: ctx.held.inside, env: ctx.env },
        { signal: ctx.signal, onLine: output.onLine, enter: (argv) => enterContainer(ctx, argv) },
      );
    } finally {
      await cleanUp();
    }
    if (result.kind === 'cancelled') throw new CancelledError(`during ${DO_POSTINSTALL}`);
    if (result.kind !== 'ok') {
      throw hookFailed(DO_POSTINSTALL, result, output, {
        imageFile: description.imageFile,
        bashFile: ORIGINALS_PATH,
        hookLine: hook?.line,
      });
    }
    if (!output.hookReturned()) throw hookDidNotRun(DO_POSTINSTALL, description);
  });
}
