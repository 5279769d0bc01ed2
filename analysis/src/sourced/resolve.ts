/**
 * Where a `source`/`.` statement reads from, statically: a literal path, or
 * one built from $src_dir (makeimg evaluates image.sh with the image.sh
 * directory as $src_dir and as the working directory), or the path a
 * `# shellcheck source=PATH` directive right above it names. Anything else
 * depends on running the script and stays unknown.
 */
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { SRC_DIR } from '../../../shared/contract';
import type { CommentFact, SourceFact, SourceResolution } from '../facts';

export interface ResolvedPath {
  kind: SourceResolution['kind'];
  written?: string;
  /** Absolute, when static. */
  path?: string;
  relativePath?: string;
  directive?: boolean;
}

/** `"$src_dir/lib/x.sh"`, `$src_dir/x`, `${src_dir}/x` (quoted or not): the path after $src_dir/. */
const SRC_DIR_PATH = new RegExp(`^(["']?)\\$(?:\\{${SRC_DIR}\\}|${SRC_DIR}(?![A-Za-z0-9_]))(/[^"'$\`\\\\*?[{~]*)\\1$`);
/** `# shellcheck source=path` (possibly among other directives on the line). */
const DIRECTIVE = /^#\s*shellcheck\s+(?:.*\s)?source=(\S+)/;

/** Resolve `source` against the image.sh directory; `comments` are those of the file the statement is in. */
export function resolveSource(source: SourceFact, comments: readonly CommentFact[], imageDirectory: string): ResolvedPath {
  const directive = directiveAbove(source, comments);
  if (directive !== undefined) {
    if (directive === '/dev/null') return { kind: 'ignored', written: directive, directive: true };
    return locate(directive, imageDirectory, true);
  }
  if (source.path !== undefined) {
    if (source.path === '') return { kind: 'dynamic' };
    return locate(source.path, imageDirectory, false);
  }
  const fromSrcDir = source.argument && SRC_DIR_PATH.exec(source.argument.text);
  if (fromSrcDir) return locate(`$${SRC_DIR}${fromSrcDir[2]}`, imageDirectory, false, fromSrcDir[2].slice(1));
  return { kind: 'dynamic' };
}

/** `inside`: a path relative to $src_dir (from `$src_dir/...`). */
function locate(written: string, imageDirectory: string, directive: boolean, inside?: string): ResolvedPath {
  // Relative paths are read from the working directory, which is $src_dir when makeimg evaluates image.sh.
  const path =
    inside !== undefined ? join(imageDirectory, inside) : isAbsolute(written) ? normalize(written) : join(imageDirectory, written);
  const rel = relative(imageDirectory, path);
  const outside = rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  const result: ResolvedPath = { kind: outside ? 'outside' : 'file', written, path };
  if (!outside) result.relativePath = rel.split(sep).join('/');
  if (directive) result.directive = true;
  return result;
}

/** The `source=` of a shellcheck directive in the comment lines directly above the statement. */
function directiveAbove(source: SourceFact, comments: readonly CommentFact[]): string | undefined {
  let line = source.range.start.line - 1;
  for (let i = comments.length - 1; i >= 0; i--) {
    const comment = comments[i];
    if (comment.range.start.line > line) continue;
    if (comment.range.start.line < line) break;
    const match = DIRECTIVE.exec(comment.text);
    if (match) return match[1];
    line--;
  }
  return undefined;
}
