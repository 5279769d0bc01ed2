/**
 * The archive stage: $img_dir -> $img_path, compressed by suffix.
 *
 * GNU tar writes the stream straight into the compressor through a pipe (no
 * intermediate .tar on disk); the compressor writes a hidden temporary file
 * beside $img_path, which gets its final name only once both programs
 * succeeded, and never replaces an existing file. On failure or abort both
 * programs are stopped and the temporary file removed.
 *
 * The tar stream never passes through Node: tar's stdout is the
 * compressor's stdin pipe itself (a stream with a descriptor is handed to
 * the child as it is), unlike execa's `.pipe()`, which would read and write
 * every byte of the image in this process.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { findOnPath } from '../../../shared/find-on-path';
import { startProcess, type ProcessOutcome, type RunningProcess } from '../../../shared/process';
import { OutputExistsError, publishWithoutOverwrite, temporaryPathFor } from './output';
import { pollProgress, type ProgressPoller } from './progress';
import { tarArguments, tarEnvironment } from './tar';
import { treeContentBytes } from './tree-size';
import { compressorFor } from './compressors';
import { writeBackWhileGrowing } from './writeback';
import { isInside, pathExists } from '../paths';

export { OutputExistsError } from './output';

export interface ArchiveOptions {
  /** $img_dir: the finished rootfs. */
  sourceDir: string;
  /** $img_path: ends in one of the contract's IMAGE_SUFFIXES. */
  outputPath: string;
  /** When set, the same tree always gives byte-identical archives. */
  sourceDateEpoch?: number;
  /** Abort: stop tar and the compressor, remove the temporary file, reject with an AbortError. */
  signal: AbortSignal;
  /** Tree content bytes archived so far / in total; at most ~10 calls a second, last call done === total. */
  onProgress?: (done: number, total: number) => void;
  /** Messages tar printed although it succeeded (e.g. "socket ignored"). */
  onWarning?: (message: string) => void;
  /**
   * The tree's content bytes when the caller walks the tree anyway (the build
   * report); else walked here. Called once tar and the compressor run, so the
   * walk does not hold up their start.
   */
  treeBytes?: () => Promise<number>;
  /** Replace an existing image (rename over it, atomically) instead of refusing (`--force`). */
  replace?: boolean;
  /** The user the finished archive belongs to (set before it gets its name). */
  owner?: { uid: number; gid: number };
}

export interface ArchiveResult {
  /** Size of the archive written. */
  bytes: number;
}

/** The error an aborted archive rejects with (`name === 'AbortError'`, like fetch and timers/promises). */
export class ArchiveAbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(cause?: unknown) {
    super('archiving was cancelled', { cause });
    this.name = 'AbortError';
  }
}

export async function archiveImage(opts: ArchiveOptions): Promise<ArchiveResult> {
  const { signal } = opts;
  if (signal.aborted) throw new ArchiveAbortError(signal.reason);
  const sourceDir = path.resolve(opts.sourceDir);
  const outputPath = path.resolve(opts.outputPath);

  // Everything that can be wrong with the input is reported before anything is written.
  const tarArgs = tarArguments(sourceDir, opts.sourceDateEpoch);
  const compressor = compressorFor(outputPath);
  const tarProgram = findOnPath('tar');
  if (!tarProgram) throw new Error('tar not found on PATH: install GNU tar');
  await checkSourceDir(sourceDir);
  if (isInside(outputPath, sourceDir)) {
    throw new Error(`the image ${outputPath} cannot be written inside the tree it archives (${sourceDir})`);
  }
  if (!opts.replace && (await pathExists(outputPath))) throw new OutputExistsError(outputPath);

  const temporaryPath = temporaryPathFor(outputPath);
  const file = await openTemporary(temporaryPath, outputPath);
  const children: ArchiveChild[] = [];
  const flusher = writeBackWhileGrowing(file);
  let poller: ProgressPoller | undefined;
  const stopAll = (): void => {
    for (const c of children) void c.process.stop();
  };
  signal.addEventListener('abort', stopAll, { once: true });

  try {
    let tarStdout: number | Writable = file.fd;
    if (compressor) {
      // Compressor first, then tar with its stdout on the compressor's stdin: node only ever holds the
      // write end (which it never reads from), and drops it below.
      const compress = await startProcess([compressor.program, ...compressor.args], {
        stdin: 'pipe',
        stdout: file.fd,
        killGraceMs: KILL_GRACE_MS,
      });
      children.push({ name: compressor.name, doing: `compressing into ${outputPath}`, process: compress });
      if (compress.stdin) tarStdout = compress.stdin;
    }
    const tar: ArchiveChild = {
      name: 'tar',
      doing: `archiving ${sourceDir}`,
      process: await startProcess([tarProgram, ...tarArgs], { stdout: tarStdout, env: tarEnvironment(), killGraceMs: KILL_GRACE_MS }),
    };
    children.push(tar);
    // Our copy of the pipe's write end must go, or the compressor never sees end-of-input.
    if (tarStdout !== file.fd) (tarStdout as Writable).destroy();
    if (signal.aborted) stopAll();

    let total: Promise<number> | undefined;
    const treeBytes = opts.treeBytes?.();
    if (opts.onProgress && tar.process.pid !== undefined) {
      poller = pollProgress(tar.process.pid, opts.onProgress);
      const p = poller;
      total = (treeBytes ?? treeContentBytes(sourceDir, signal)).then((t) => (p.setTotal(t), t));
    }

    const ends = await Promise.all(children.map((c) => c.process.done));
    if (signal.aborted) throw new ArchiveAbortError(signal.reason);
    const failures = children.map((c, i) => describeFailure(c, ends[i]!)).filter((f): f is string => f !== undefined);
    if (failures.length > 0) throw new Error(explainFailures(failures, compressor !== undefined));

    // Durable before it gets its name: a crash must not leave a truncated image at $img_path.
    if (opts.owner) await file.chown(opts.owner.uid, opts.owner.gid);
    await flusher.stop();
    await file.sync();
    const { size } = await file.stat();
    await file.close();
    if (signal.aborted) throw new ArchiveAbortError(signal.reason);
    // rename(2) replaces the old image in one step: until then it is whole, after it the new one is.
    if (opts.replace) await fs.rename(temporaryPath, outputPath);
    else await publishWithoutOverwrite(temporaryPath, outputPath);

    if (poller && total) {
      await total;
      poller.finish();
    }
    const tarEnd = ends[ends.length - 1]!;
    const warnings = tarEnd.kind === 'ok' ? tarEnd.stderr : '';
    if (warnings) opts.onWarning?.(warnings);
    return { bytes: size };
  } catch (e) {
    poller?.stop();
    await flusher.stop();
    await Promise.all(children.map((c) => c.process.stop()));
    await file.close().catch(() => undefined);
    await fs.rm(temporaryPath, { force: true });
    if (signal.aborted && !(e instanceof ArchiveAbortError)) throw new ArchiveAbortError(signal.reason);
    throw e;
  } finally {
    signal.removeEventListener('abort', stopAll);
  }
}

/** How long tar or the compressor gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 3000;

/** tar or the compressor, with what it does (for messages). */
interface ArchiveChild {
  name: string;
  doing: string;
  process: RunningProcess;
}

/** A one-line-plus-stderr description of how a child failed, or undefined if it succeeded. */
function describeFailure(child: ArchiveChild, end: ProcessOutcome): string | undefined {
  let how: string;
  switch (end.kind) {
    case 'ok':
      return undefined;
    case 'unavailable':
      return `${child.name} could not be started (${end.reason}) while ${child.doing}`;
    case 'failed':
      how = end.signal
        ? `was killed by ${end.signal}`
        : end.exitCode !== undefined
          ? `failed with exit code ${end.exitCode}`
          : `failed (${end.reason})`;
      break;
    case 'cancelled':
    case 'timedOut':
      how = 'was stopped';
      break;
  }
  return `${child.name} ${how} while ${child.doing}${end.stderr ? `:\n${end.stderr}` : ''}`;
}

/** When the compressor died, tar's broken pipe is a consequence: name the cause first. */
function explainFailures(failures: string[], compressed: boolean): string {
  if (compressed && failures.length === 2) return `${failures[0]}\n(${failures[1]})`;
  return failures.join('\n');
}

async function checkSourceDir(sourceDir: string): Promise<void> {
  let st;
  try {
    st = await fs.stat(sourceDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`the image directory ${sourceDir} does not exist`);
    throw e;
  }
  if (!st.isDirectory()) throw new Error(`the image directory ${sourceDir} is not a directory`);
}

async function openTemporary(temporaryPath: string, outputPath: string): Promise<fs.FileHandle> {
  try {
    return await fs.open(temporaryPath, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`cannot write ${outputPath}: the directory ${path.dirname(outputPath)} does not exist`);
    }
    throw new Error(`cannot write ${outputPath}: ${(e as Error).message}`);
  }
}
