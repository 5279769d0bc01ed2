/**
 * Reads a `.tar*` image once, front to back, through the decompressor its
 * suffix names (the contract's IMAGE_SUFFIXES, first one installed), into a
 * TarStreamReader. Used by `makeimg inspect` and the editor's image file
 * system; nothing is written to disk.
 */
import { fstatSync, promises as fs, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { classifyImageName, IMAGE_SUFFIXES } from './contract';
import { findOnPath } from './find-on-path';
import { runProcess } from './process';
import { TarStreamReader, type TarStreamHandlers } from './tar-stream';

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/**
 * A plain .tar: read the headers and seek over the content nobody asked for,
 * as tar -t does. Synchronous reads (from the page cache they take
 * microseconds; an awaited read goes through the thread pool and costs ten
 * times that per member), yielding to the event loop every few milliseconds
 * so an editor reading an image stays responsive.
 */
async function readPlainTar(fd: number, reader: TarStreamReader, opts: ReadTarOptions): Promise<void> {
  const fileBytes = fstatSync(fd).size;
  const buffer = Buffer.allocUnsafe(CONTENT_READ);
  let slice = performance.now();
  for (;;) {
    if (performance.now() - slice > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
    if (opts.signal?.aborted) throw abortError(opts.signal);
    const skip = reader.skippable;
    if (skip > 0) {
      // Seeking past the end would read nothing and look like a whole archive.
      if (reader.offset + skip > fileBytes) break;
      reader.skip();
      continue;
    }
    const bytesRead = readSync(fd, buffer, 0, reader.wantsContent ? CONTENT_READ : BLOCK_READ, reader.offset);
    if (bytesRead === 0) break;
    reader.push(buffer.subarray(0, bytesRead));
    if (reader.ended || opts.stopWhen?.()) return;
  }
  reader.end();
}

/**
 * What a seeking read of a plain .tar reads at once when only headers are
 * needed: a member's pax header, its header and small files after it (the
 * reader steps over content inside the buffer, and seeks past the rest).
 */
const BLOCK_READ = 16 * 1024;
/** What it reads at once inside content a handler asked for. */
const CONTENT_READ = 1024 * 1024;
/** A plain .tar is read synchronously (an awaited read per header costs more than the read): back to the event loop this often. */
const YIELD_EVERY_MS = 10;

/** Flags that make each program decompress stdin to stdout. */
const DECOMPRESSOR_ARGS: Readonly<Record<string, readonly string[]>> = {
  pigz: ['-d', '-c'],
  gzip: ['-d', '-c'],
  lbzip2: ['-d', '-c'],
  pbzip2: ['-d', '-c'],
  bzip2: ['-d', '-c'],
  xz: ['-d', '-T0', '-c'],
  zstd: ['-d', '-q', '-c'],
};

export interface Decompressor {
  name: string;
  program: string;
  args: string[];
}

/** The decompressor for an image's suffix; undefined for a plain `.tar`; a clear Error when there is none. */
export function decompressorFor(imagePath: string, searchPath = process.env.PATH ?? ''): Decompressor | undefined {
  const kind = classifyImageName(path.basename(imagePath));
  if (kind.kind !== 'archive') {
    throw new Error(`${imagePath} is not a tar image (${IMAGE_SUFFIXES.map((s) => s.suffix).join(', ')})`);
  }
  const names = kind.suffix.compressors;
  if (names.length === 0) return undefined;
  for (const name of names) {
    const program = findOnPath(name, searchPath);
    const args = DECOMPRESSOR_ARGS[name];
    if (program && args) return { name, program, args: [...args] };
  }
  throw new Error(`cannot read a ${kind.suffix.suffix} image: install one of ${names.join(', ')}`);
}

export interface ReadTarOptions {
  signal?: AbortSignal;
  /** Checked after every chunk: true stops reading early (the rest of the archive is not needed). */
  stopWhen?: () => boolean;
}

/** Stream the whole archive through `handlers`; rejects on a damaged archive or a failing decompressor. */
export async function readTarFile(imagePath: string, handlers: TarStreamHandlers, opts: ReadTarOptions = {}): Promise<void> {
  const reader = new TarStreamReader(handlers);
  const decompressor = decompressorFor(imagePath);
  const file = await fs.open(imagePath, 'r');
  try {
    if (!decompressor) {
      await readPlainTar(file.fd, reader, opts);
      return;
    }
    // Stopping early (stopWhen, the end of the archive) is not a failure: its own signal tells it apart.
    const stopEarly = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, stopEarly.signal]) : stopEarly.signal;
    const end = await runProcess([decompressor.program, ...decompressor.args], {
      stdin: file.fd,
      signal,
      killGraceMs: 0,
      keepStderrBytes: 4096,
      onStdoutChunk: (chunk) => {
        if (stopEarly.signal.aborted) return;
        reader.push(chunk);
        if (reader.ended || opts.stopWhen?.()) stopEarly.abort();
      },
    });
    if (opts.signal?.aborted) throw abortError(opts.signal);
    if (stopEarly.signal.aborted) return;
    if (end.kind !== 'ok') {
      const how = end.kind === 'failed' ? (end.signal ?? `exit ${end.exitCode}`) : end.kind === 'unavailable' ? end.reason : end.kind;
      const stderr = end.kind === 'unavailable' ? '' : end.stderr;
      throw new Error(`${decompressor.name} could not read ${imagePath} (${how})${stderr ? `: ${stderr}` : ''}`);
    }
    reader.end();
  } finally {
    await file.close();
  }
}
