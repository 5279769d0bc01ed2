/**
 * An image.sh together with the files it sources: the sourced files' facts
 * are appended to the image.sh's at virtual lines (file k at
 * (k + 1) * SOURCED_LINE_BASE), so every rule and query sees their functions
 * and variables without knowing about files, and every range still says
 * where it comes from. `locate` maps a range back to its file;
 * `anchorFindings` moves findings that lie in a sourced file to the image.sh
 * line that leads there, pointing into the file with relatedInformation.
 *
 * Followed: static paths inside the image.sh directory (see resolve.ts),
 * recursively; each file once, so cycles (a sources b sources a) end.
 */
import { dirname } from 'node:path';
import { IMAGE_FILE_NAME } from '../../../shared/contract';
import {
  scriptLineNumber,
  SOURCED_LINE_BASE,
  type DocumentFacts,
  type Range,
  type SourceFact,
  type SourceResolution,
  type SourcedFile,
} from '../facts';
import type { Finding } from '../rules';
import { resolveSource } from './resolve';

/** What the loader finds at an absolute path. */
export type LoadedFile = { kind: 'file'; facts: DocumentFacts } | { kind: 'missing' } | { kind: 'not-a-file' };

/** At most this many sourced files are followed (a generated tree of includes must not stall the editor). */
export const MAX_SOURCED_FILES = 64;

/** The combined facts of `main` (the image.sh at `imagePath`) and what it sources; `main` itself is not changed. */
export function combineSourced(main: DocumentFacts, imagePath: string, load: (path: string) => LoadedFile): DocumentFacts {
  if (!main.sources.some((s) => s.kind === 'source')) return main;
  const imageDirectory = dirname(imagePath);
  const combined: DocumentFacts = {
    ...main,
    assignments: [...main.assignments],
    functions: [...main.functions],
    references: [...main.references],
    commands: [...main.commands],
    sources: main.sources.map((s) => ({ ...s })),
  };
  const files: SourcedFile[] = [];
  const resolutions: SourceResolution[] = [];
  const seen = new Set<string>([imagePath]);
  // Breadth-first over files: [its facts' sources (combined coordinates), its comments, the image.sh range that leads there].
  const queue: { sources: SourceFact[]; comments: DocumentFacts['comments']; via?: Range }[] = [
    { sources: combined.sources, comments: main.comments },
  ];
  for (let q = 0; q < queue.length; q++) {
    const { sources, comments, via } = queue[q];
    for (const source of sources) {
      if (source.kind !== 'source') continue;
      const ownRange = via === undefined ? source.range : unshifted(source.range);
      const resolved = resolveSource({ ...source, range: ownRange }, comments, imageDirectory);
      const resolution: SourceResolution = { source, kind: resolved.kind };
      if (resolved.written !== undefined) resolution.written = resolved.written;
      if (resolved.relativePath !== undefined) resolution.relativePath = resolved.relativePath;
      if (resolved.directive) resolution.directive = true;
      resolutions.push(resolution);
      if (resolved.kind !== 'file' || resolved.path === undefined) continue;
      if (seen.has(resolved.path)) {
        // Read already (or the image.sh itself): what it defines is known.
        source.followed = true;
        continue;
      }
      if (files.length >= MAX_SOURCED_FILES) continue;
      const loaded = load(resolved.path);
      if (loaded.kind !== 'file') {
        resolution.kind = loaded.kind;
        continue;
      }
      seen.add(resolved.path);
      const lineBase = (files.length + 1) * SOURCED_LINE_BASE;
      const file: SourcedFile = {
        path: resolved.path,
        relativePath: resolved.relativePath ?? resolved.path,
        facts: loaded.facts,
        lineBase,
        via: via ?? source.range,
      };
      files.push(file);
      // A file with a syntax error may define more than it shows.
      if (loaded.facts.syntaxErrors.length === 0) source.followed = true;
      const shifted = shiftFacts(loaded.facts, lineBase, source);
      combined.assignments.push(...shifted.assignments);
      combined.functions.push(...shifted.functions);
      combined.references.push(...shifted.references);
      combined.commands.push(...shifted.commands);
      combined.sources.push(...shifted.sources);
      queue.push({ sources: shifted.sources, comments: loaded.facts.comments, via: file.via });
    }
  }
  combined.sourced = { files, resolutions };
  return combined;
}

/**
 * The facts of a sourced file moved to `lineBase`; its top level runs where
 * the `source` statement runs (inside a function, or conditionally).
 */
function shiftFacts(
  facts: DocumentFacts,
  lineBase: number,
  at: SourceFact,
): Pick<DocumentFacts, 'assignments' | 'functions' | 'references' | 'commands' | 'sources'> {
  const shifted = shift(
    {
      assignments: facts.assignments,
      functions: facts.functions,
      references: facts.references,
      commands: facts.commands,
      sources: facts.sources,
    },
    lineBase,
  );
  const host = at.function;
  for (const a of shifted.assignments) {
    if (a.function === null && host !== null) {
      a.function = host;
      if (!a.unknown.includes('function')) a.unknown.push('function');
    }
    if (at.conditional && !a.unknown.includes('conditional')) a.unknown.push('conditional');
  }
  for (const f of shifted.functions) {
    if (f.function === null) f.function = host;
    if (at.conditional) f.conditional = true;
  }
  for (const list of [shifted.references, shifted.commands, shifted.sources] as { function: string | null }[][]) {
    for (const item of list) if (item.function === null) item.function = host;
  }
  for (const c of shifted.commands) if (at.conditional) c.conditional = true;
  for (const s of shifted.sources) if (at.conditional) s.conditional = true;
  return shifted;
}

/** A deep copy with every position moved down by `delta` lines. */
function shift<T>(value: T, delta: number): T {
  if (Array.isArray(value)) return value.map((v) => shift(v, delta)) as T;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.line === 'number' && typeof record.character === 'number' && Object.keys(record).length === 2) {
    return { line: record.line + delta, character: record.character } as T;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) copy[key] = shift(record[key], delta);
  return copy as T;
}

function unshifted(range: Range): Range {
  return {
    start: { line: range.start.line % SOURCED_LINE_BASE, character: range.start.character },
    end: { line: range.end.line % SOURCED_LINE_BASE, character: range.end.character },
  };
}

/** Where a range of the combined facts is: `file` undefined for the image.sh itself. */
export function locate(facts: DocumentFacts, range: Range): { file?: SourcedFile; range: Range } {
  const index = Math.floor(range.start.line / SOURCED_LINE_BASE) - 1;
  const file = index >= 0 ? facts.sourced?.files[index] : undefined;
  return file ? { file, range: unshifted(range) } : { range };
}

/**
 * "line 12" for a range of the combined facts, naming its file ("line 3 of
 * lib.sh") when it lies in another file than the line `here` (a line of the
 * combined facts; by default image.sh's): text for hovers and completion.
 */
export function placeText(facts: DocumentFacts, range: Range, here: number = 0): string {
  const line = `line ${scriptLineNumber(facts, range.start)}`;
  const fileIndex = (l: number) => Math.floor(l / SOURCED_LINE_BASE);
  if (fileIndex(range.start.line) === fileIndex(here)) return line;
  const where = locate(facts, range);
  return `${line} of ${where.file ? where.file.relativePath : IMAGE_FILE_NAME}`;
}

/** Whether a range of the combined facts lies in the image.sh itself. */
export function inImageFile(range: Range): boolean {
  return range.start.line < SOURCED_LINE_BASE;
}

/**
 * Findings in image.sh coordinates: one that lies in a sourced file moves to
 * the `source` line that reads the file, says where it really is, and points
 * there; related locations in sourced files name their file.
 */
export function anchorFindings(findings: readonly Finding[], facts: DocumentFacts): Finding[] {
  if (!facts.sourced) return [...findings];
  return findings.map((finding) => {
    const related = finding.related?.map((r) => {
      const where = locate(facts, r.range);
      return where.file ? { ...r, range: where.range, file: where.file.path } : r;
    });
    const where = locate(facts, finding.range);
    if (!where.file) return related ? { ...finding, related } : { ...finding };
    const line = where.range.start.line + 1;
    return {
      ...finding,
      range: where.file.via,
      message: `${where.file.relativePath}:${line}: ${finding.message}`,
      related: [{ range: where.range, message: `here, in ${where.file.relativePath}`, file: where.file.path }, ...(related ?? [])],
      // A fix computed for the sourced file's text cannot apply to image.sh.
      data: undefined,
    };
  });
}
