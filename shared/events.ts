/**
 * The pipeline's machine-readable progress protocol (`makeimg --json`):
 * one JSON object per stdout line. The pipeline writes these; the VS Code
 * client reads them. Both import this module, so the protocol has one
 * definition.
 */
import { z } from 'zod';
import { DO_INSTALL, DO_POSTINSTALL, STAGES } from './contract';
import type { ImageReport } from './image-report';
import { formatAge, formatBytes } from './units';

// One zod schema per event, next to nothing else: the types are inferred from
// them, and the client validates every line it decodes against them (the
// pipeline runs as root, but its output is still input to the editor). Add a
// field or an event here and both sides have it. Unknown fields are dropped
// when decoding, so an older client reads a newer pipeline's events.

const stageName = z.enum(STAGES);
const count = z.number().int().nonnegative();

export const StageEventSchema = z.object({
  type: z.literal('stage'),
  stage: stageName,
  /** 1-based position in STAGES. */
  index: z.number().int().positive(),
  total: z.number().int().positive(),
  state: z.enum(['start', 'end', 'skip']),
  /** Duration in milliseconds, on 'end'. */
  ms: count.optional(),
  /** Why a stage was skipped, on 'skip'. */
  reason: z.string().optional(),
  /**
   * Install stage, when the install cache is on: true when the stage is
   * restored from the cache instead of running do_install, false when
   * do_install runs (and its result is saved).
   */
  cached: z.boolean().optional(),
  /** The cache entry's key (with `cached`). */
  cacheKey: z.string().optional(),
  /** Age of the restored entry in ms, and its size on disk in bytes (with `cached: true`). */
  cacheAgeMs: count.optional(),
  cacheBytes: count.optional(),
});
export type StageEvent = z.infer<typeof StageEventSchema>;

export const LogEventSchema = z.object({
  type: z.literal('log'),
  stage: stageName,
  stream: z.enum(['stdout', 'stderr']),
  text: z.string(),
  /** Set on the notice that replaces lines dropped from a flood of output: how many. */
  dropped: count.optional(),
});
export type LogEvent = z.infer<typeof LogEventSchema>;

export const ProgressEventSchema = z.object({
  type: z.literal('progress'),
  stage: stageName,
  /** Bytes done so far. */
  done: count,
  /** Bytes expected in total (the tree's size for the archive stage). */
  total: count,
});
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;

export const ErrorEventSchema = z.object({
  type: z.literal('error'),
  stage: stageName.optional(),
  message: z.string(),
  /** image.sh that the failing command is in, when known. */
  file: z.string().optional(),
  /** 1-based line in `file` of the failing command, when known. */
  line: z.number().int().positive().optional(),
  /**
   * The build was refused because an output of this image exists: the image
   * (rebuild with --force) or a working directory an earlier build kept
   * (remove it with `makeimg clean --keep-image`, or rebuild).
   */
  existing: z.object({ path: z.string(), kind: z.enum(['image', 'working-directory']) }).optional(),
});
export type ErrorEvent = z.infer<typeof ErrorEventSchema>;

export const ResultEventSchema = z.object({
  type: z.literal('result'),
  ok: z.boolean(),
  /** The image: built (ok), or the one the build was making (once resolved). */
  imgPath: z.string().optional(),
  /** Size of the image in bytes (archive size, or tree size for a directory image). */
  bytes: count.optional(),
  ms: count,
  /** Set when the build was cancelled (then no error event: a cancel is not an error). */
  cancelled: z.boolean().optional(),
  /** Why it was cancelled, in words: "by SIGINT", "from the editor" (stdin closed with --json). */
  reason: z.string().optional(),
  /** The stage that was running when the build was cancelled. */
  stage: stageName.optional(),
  /** What was kept on disk after a failure or cancellation (e.g. the working $img_dir). */
  kept: z.array(z.string()).optional(),
});
export type ResultEvent = z.infer<typeof ResultEventSchema>;

const sizeShare = z.object({ path: z.string(), bytes: count, files: count });
const specialFile = z.object({ path: z.string(), mode: z.string(), uid: count, gid: count, capabilities: z.string().optional() });

/** shared/image-report.ts ImageReport; `satisfies` keeps the two in step (tsc fails when they differ). */
const imageReport = z.object({
  totalBytes: count,
  counts: z.object({ files: count, directories: count, symlinks: count, devices: count, other: count }),
  byTopDir: z.array(sizeShare),
  byUsr: z.array(sizeShare),
  byVar: z.array(sizeShare),
  largest: z.array(z.object({ path: z.string(), bytes: count })),
  setuid: z.array(specialFile),
  setgid: z.array(specialFile),
  capabilities: z.array(specialFile),
  devices: z.array(z.object({ path: z.string(), kind: z.enum(['char', 'block']), major: count, minor: count })),
  unknownOwners: z.array(z.object({ kind: z.enum(['uid', 'gid']), id: count, entries: count, examples: z.array(z.string()) })),
  hasPasswd: z.boolean(),
  hasGroup: z.boolean(),
  findings: z.array(
    z.object({
      code: z.string(),
      message: z.string(),
      why: z.string(),
      fix: z.string(),
      hook: z.enum([DO_INSTALL, DO_POSTINSTALL]),
      paths: z.array(z.string()),
      bytes: count.optional(),
    }),
  ),
  suppressed: z.array(z.object({ code: z.string(), findings: count })),
}) satisfies z.ZodType<ImageReport>;

/** What the finished image holds and its hygiene findings; after the archive stage, before the result. */
export const ReportEventSchema = z.object({
  type: z.literal('report'),
  /** The image the report describes. */
  imgPath: z.string(),
  report: imageReport,
  /** image.sh, and the 1-based line of its img_name assignment: where the editor shows the findings. */
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
});
export type ReportEvent = z.infer<typeof ReportEventSchema>;

/** What the install heading adds when the stage is restored from the cache (CLI and editor). */
export function cachedNote(e: StageEvent): string {
  if (!e.cached) return '';
  return ` (cached, built ${formatAge(e.cacheAgeMs ?? 0)}, ${formatBytes(e.cacheBytes ?? 0)}; --no-cache to rebuild)`;
}

export const BuildEventSchema = z.discriminatedUnion('type', [
  StageEventSchema,
  LogEventSchema,
  ProgressEventSchema,
  ErrorEventSchema,
  ReportEventSchema,
  ResultEventSchema,
]);
export type BuildEvent = z.infer<typeof BuildEventSchema>;

/** Exit codes of the makeimg program. */
export const EXIT = {
  OK: 0,
  BUILD_FAILED: 1,
  INVALID: 2,
  CANCELLED: 130,
  /** `makeimg check` without root: the static rules found nothing, the confined evaluation did not run. */
  UNCHECKED: 3,
} as const;

export function encodeEvent(e: BuildEvent): string {
  return JSON.stringify(e) + '\n';
}

/** Parse one line of `--json` output; undefined for anything that is not a valid event. */
export function decodeEvent(line: string): BuildEvent | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch {
    return undefined; // not JSON
  }
  const parsed = BuildEventSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
