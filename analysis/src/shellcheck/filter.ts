/**
 * Drops the ShellCheck findings that are wrong for image.sh because makeimg
 * itself reads or provides the variable:
 * - SC2034 "appears unused" on a variable makeimg reads (img_name, the file arrays),
 *   or on one it provides ($img_dir = /x): MKIMG010 already says makeimg
 *   overwrites that assignment, the more precise verdict;
 * - SC2154 "referenced but not assigned" on a variable makeimg provides ($src_dir, ...).
 * The names come only from the contract.
 */
import { PROVIDED_VARIABLES, VARIABLES } from '../../../shared/contract';
import type { Json1Comment } from './json1';

const APPEARS_UNUSED = 2034;
const REFERENCED_NOT_ASSIGNED = 2154;

const READ_BY_MAKEIMG: ReadonlySet<string> = new Set(VARIABLES.map((v) => v.name));
const PROVIDED_BY_MAKEIMG: ReadonlySet<string> = new Set(PROVIDED_VARIABLES.map((v) => v.name));

/**
 * The variable a SC2034/SC2154 comment is about. Its range does not always
 * cover the name (for `for x in ...` it covers `for`), but both messages
 * start with it: "img_name appears unused...", "img_dir is referenced...".
 */
function variableOf(comment: Json1Comment): string | undefined {
  return /^([A-Za-z_][A-Za-z0-9_]*) /.exec(comment.message)?.[1];
}

function isMakeimgFalsePositive(comment: Json1Comment): boolean {
  if (comment.code === APPEARS_UNUSED) {
    const name = variableOf(comment) ?? '';
    return READ_BY_MAKEIMG.has(name) || PROVIDED_BY_MAKEIMG.has(name);
  }
  if (comment.code === REFERENCED_NOT_ASSIGNED) return PROVIDED_BY_MAKEIMG.has(variableOf(comment) ?? '');
  return false;
}

export function withoutMakeimgFalsePositives(comments: readonly Json1Comment[]): Json1Comment[] {
  return comments.filter((c) => !isMakeimgFalsePositive(c));
}
