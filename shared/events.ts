/**
 * The pipeline's machine-readable progress protocol (`makeimg --json`):
 * one JSON object per stdout line. The pipeline writes these; the VS Code
 * client reads them. Both import this module, so the protocol has one
 * definition.
 */
import type { StageName } from './contract';
import type { ImageReport } from './image-report';
import { formatAge, formatBytes } from './units';

export interface StageEvent {
  type: 'stage';
  stage: StageName;
  /** 1-based position in STAGES. */
  index: number;
  total: number;
  state: 'start' | 'end' | 'skip';
  /** Duration in milliseconds, on 'end'. */
  ms?: number;
  /** Why a stage was skipped, on 'skip'. */
  reason?: string;
  /**
   * Install stage, when the install cache is on: true when the stage is
   * restored from the cache instead of running do_install, false when
   * do_install runs (and its result is saved).
   */
  cached?: boolean;
  /** The cache entry's key (with `cached`). */
  cacheKey?: string;
  /** Age of the restored entry in ms, and its size on disk in bytes (with `cached: true`). */
  cacheAgeMs?: number;
  cacheBytes?: number;
}

export interface LogEvent {
  type: 'log';
  stage: StageName;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ProgressEvent {
  type: 'progress';
  stage: StageName;
  /** Bytes done so far. */
  done: number;
  /** Bytes expected in total (the tree's size for the archive stage). */
  total: number;
}

export interface ErrorEvent {
  type: 'error';
  stage?: StageName;
  message: string;
  /** image.sh that the failing command is in, when known. */
  file?: string;
  /** 1-based line in `file` of the failing command, when known. */
  line?: number;
  /**
   * The build was refused because an output of this image exists: the image
   * (rebuild with --force) or a working directory an earlier build kept
   * (remove it with `makeimg clean --keep-image`, or rebuild).
   */
  existing?: { path: string; kind: 'image' | 'working-directory' };
}

export interface ResultEvent {
  type: 'result';
  ok: boolean;
  /** The image: built (ok), or the one the build was making (once resolved). */
  imgPath?: string;
  /** Size of the image in bytes (archive size, or tree size for a directory image). */
  bytes?: number;
  ms: number;
  /** Set when the build was cancelled (then no error event: a cancel is not an error). */
  cancelled?: boolean;
  /** Why it was cancelled, in words: "by SIGINT", "from the editor" (stdin closed with --json). */
  reason?: string;
  /** The stage that was running when the build was cancelled. */
  stage?: StageName;
  /** What was kept on disk after a failure or cancellation (e.g. the working $img_dir). */
  kept?: string[];
}

/** What the finished image holds and its hygiene findings; after the archive stage, before the result. */
export interface ReportEvent {
  type: 'report';
  /** The image the report describes. */
  imgPath: string;
  report: ImageReport;
  /** image.sh, and the 1-based line of its img_name assignment: where the editor shows the findings. */
  file?: string;
  line?: number;
}

/** What the install heading adds when the stage is restored from the cache (CLI and editor). */
export function cachedNote(e: StageEvent): string {
  if (!e.cached) return '';
  return ` (cached, built ${formatAge(e.cacheAgeMs ?? 0)}, ${formatBytes(e.cacheBytes ?? 0)}; --no-cache to rebuild)`;
}

export type BuildEvent = StageEvent | LogEvent | ProgressEvent | ErrorEvent | ReportEvent | ResultEvent;

/** Exit codes of the makeimg program. */
export const EXIT = {
  OK: 0,
  BUILD_FAILED: 1,
  INVALID: 2,
  /** `makeimg check` without root: the static rules found nothing, the confined evaluation did not run. */
  UNCHECKED: 3,
  CANCELLED: 130,
} as const;

export function encodeEvent(e: BuildEvent): string {
  return JSON.stringify(e) + '\n';
}

/** Parse one line of `--json` output; undefined for anything that is not an event. */
export function decodeEvent(line: string): BuildEvent | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(t) as { type?: unknown };
    if (v && typeof v === 'object' && typeof v.type === 'string' &&
        ['stage', 'log', 'progress', 'error', 'report', 'result'].includes(v.type)) {
      return v as BuildEvent;
    }
  } catch {
    // not JSON: ignore
  }
  return undefined;
}
