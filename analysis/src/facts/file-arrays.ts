/**
 * The source files of image.sh (`*_files_src` elements) as data: which
 * elements name a static path, and where that path points. Read by the file
 * rules (MKIMG012/013) and document links. (Which destination a source is
 * copied to: features/file-pairs.ts.)
 */
import { posix } from 'node:path';
import { FILE_ARRAY_PAIRS, type FileArrayPair } from '../../../shared/contract';
import type { ArrayElementFact, AssignmentFact, DocumentFacts, UnknownReason } from './model';
import { visibleAssignments } from './query';

/** Reasons an assignment may not run, so the files it names may never be copied. */
const MAY_NOT_RUN = new Set<UnknownReason>(['conditional', 'loop', 'function']);

const FILE_ARRAY_NAMES = new Set(FILE_ARRAY_PAIRS.flatMap((p) => [p.src, p.dst]));

/** The facts narrowed to the file arrays' assignments: questions about pairing then cost little on a long script. */
export function fileArrayFacts(facts: DocumentFacts): DocumentFacts {
  return { ...facts, assignments: facts.assignments.filter((a) => FILE_ARRAY_NAMES.has(a.name)) };
}

export interface SourceElement {
  pair: FileArrayPair;
  assignment: AssignmentFact;
  element: ArrayElementFact;
  /** The path as makeimg reads it (the element's static value). */
  path: string;
  /** The assignment runs whenever image.sh is sourced (not in if/loop/function). */
  certain: boolean;
}

/** Every source element with a static, single-word, non-empty value, in document order. */
export function staticSourceElements(facts: DocumentFacts): SourceElement[] {
  const result: SourceElement[] = [];
  for (const pair of FILE_ARRAY_PAIRS) {
    for (const assignment of visibleAssignments(facts, pair.src)) {
      if (assignment.kind !== 'array') continue;
      const certain = !assignment.unknown.some((r) => MAY_NOT_RUN.has(r));
      for (const element of assignment.elements ?? []) {
        if (element.value === undefined || element.value === '' || !element.singleWord) continue;
        result.push({ pair, assignment, element, path: element.value, certain });
      }
    }
  }
  return result.sort((a, b) => a.element.range.start.line - b.element.range.start.line);
}

export type SourceLocation =
  /** Inside the image.sh directory; `relative` is normalized (no `.`/`..` segments, no trailing '/'). */
  | { kind: 'inside'; relative: string }
  | { kind: 'absolute' }
  /** Leaves the directory through `..`. */
  | { kind: 'escapes' }
  /** The image.sh directory itself (`.`), which makeimg refuses to copy. */
  | { kind: 'itself' };

/** Where a source path points, relative to the image.sh directory ($src_dir). */
export function locateSource(path: string): SourceLocation {
  if (path.startsWith('/')) return { kind: 'absolute' };
  const normalized = posix.normalize(path).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) return { kind: 'escapes' };
  if (normalized === '.' || normalized === '') return { kind: 'itself' };
  return { kind: 'inside', relative: normalized };
}

/** Where a destination lands inside the image: `etc/x`, `./etc/x` and `/etc/x` are all `/etc/x`. */
export function imagePathOf(destination: string): string {
  return posix.normalize(`/${destination}`);
}
