/**
 * The pairing of `*_files_src[i]` with `*_files_dst[i]`: which element of the
 * partner array an element is copied to or from. Only certain pairings are
 * stated: both arrays assigned once at the top level with `=`, and every
 * element up to i exactly one word.
 */
import { FILE_ARRAY_PAIRS, IMG_DIR, SRC_DIR, type FileArrayPair } from '../../../shared/contract';
import {
  visibleAssignments,
  type ArrayElementFact,
  type AssignmentFact,
  type DocumentFacts,
  type Position,
} from '../../../analysis/src/facts';
import { touches } from './positions';

export interface FileElementAt {
  pair: FileArrayPair;
  role: 'src' | 'dst';
  assignment: AssignmentFact;
  index: number;
  element: ArrayElementFact;
}

export type Partner =
  | { kind: 'element'; assignment: AssignmentFact; index: number; element: ArrayElementFact }
  /** The partner array is certain but has no element at this index. */
  | { kind: 'missing'; assignment: AssignmentFact; count: number }
  /** The partner array is never assigned. */
  | { kind: 'unassigned'; name: string }
  /** Several assignments, `+=`, globs or conditionals: the pairing depends on running the script. */
  | { kind: 'unknown'; name: string; reason: string };

const ROLES = ['src', 'dst'] as const;

export function fileElementAt(facts: DocumentFacts, position: Position): FileElementAt | undefined {
  for (const pair of FILE_ARRAY_PAIRS) {
    for (const role of ROLES) {
      for (const assignment of visibleAssignments(facts, pair[role])) {
        if (!assignment.elements || !assignment.valueRange || !touches(assignment.valueRange, position)) continue;
        const index = assignment.elements.findIndex((e) => touches(e.range, position));
        if (index >= 0) return { pair, role, assignment, index, element: assignment.elements[index] };
      }
    }
  }
  return undefined;
}

/** Why the i-th element of this assignment is not certainly element i of the array (undefined: it is). */
function uncertainty(a: AssignmentFact, index: number): string | undefined {
  if (a.operator !== '=') return `${a.name} is appended to with +=`;
  if (a.function !== null) return `${a.name} is assigned inside ${a.function}()`;
  const conditional = a.unknown.find((r) => r === 'conditional' || r === 'loop' || r === 'subshell');
  if (conditional) return `${a.name} is assigned inside a ${conditional}`;
  const elements = a.elements ?? [];
  for (let i = 0; i <= Math.min(index, elements.length - 1); i++) {
    if (!elements[i].singleWord || elements[i].index !== undefined) {
      return `element ${i + 1} of ${a.name} (${elements[i].text}) may expand to several words or set an index`;
    }
  }
  return undefined;
}

/** The element copied with `at` (its destination for a source, its source for a destination). */
export function partnerOf(facts: DocumentFacts, at: Pick<FileElementAt, 'pair' | 'role' | 'assignment' | 'index'>): Partner {
  const partnerName = at.role === 'src' ? at.pair.dst : at.pair.src;
  const own = visibleAssignments(facts, at.assignment.name);
  if (own.length > 1) return { kind: 'unknown', name: partnerName, reason: `${at.assignment.name} is assigned ${own.length} times` };
  const ownDoubt = uncertainty(at.assignment, at.index);
  if (ownDoubt) return { kind: 'unknown', name: partnerName, reason: ownDoubt };
  const partners = visibleAssignments(facts, partnerName);
  if (partners.length === 0) return { kind: 'unassigned', name: partnerName };
  if (partners.length > 1) return { kind: 'unknown', name: partnerName, reason: `${partnerName} is assigned ${partners.length} times` };
  const partner = partners[0];
  if (!partner.elements) return { kind: 'unknown', name: partnerName, reason: `${partnerName} is not an array` };
  const partnerDoubt = uncertainty(partner, at.index);
  if (partnerDoubt) return { kind: 'unknown', name: partnerName, reason: partnerDoubt };
  if (at.index >= partner.elements.length) return { kind: 'missing', assignment: partner, count: partner.elements.length };
  return { kind: 'element', assignment: partner, index: at.index, element: partner.elements[at.index] };
}

/** An element as the user means it: its static value, else its text. */
export function elementText(e: ArrayElementFact): string {
  return e.value ?? e.text;
}

/** Where a destination element ends up: `$img_dir/<dst>` (a leading / is still under $img_dir). */
export function destinationPath(e: ArrayElementFact): string {
  return `$${IMG_DIR}/${elementText(e).replace(/^\/+/, '')}`;
}

export function sourcePath(e: ArrayElementFact): string {
  return `$${SRC_DIR}/${elementText(e)}`;
}
