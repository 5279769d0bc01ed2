/**
 * Image.sh line numbers for do_postinstall failures.
 *
 * do_postinstall runs inside the rootfs, where image.sh must not be sourced
 * (its top level may call host tools). The functions it defines come from
 * `declare -f`, which loses their line numbers. So the plain definitions
 * (the evaluation proved that their original text alone is exactly the
 * winning definition) are passed in again as a generated file with their
 * original text at their original lines and blank lines elsewhere: bash's
 * LINENO/BASH_LINENO in them are image.sh's. An ERR trap reports the failing
 * command and its callers on a private descriptor, and the host maps frames
 * in the generated file back to image.sh.
 */
import { DO_POSTINSTALL, IMAGE_FILE_NAME } from '../../shared/contract';
import { CONTROL_MOUNT } from './nspawn';

/** The generated file in the control directory: named like image.sh, since bash shows its name. */
export const ORIGINALS_FILE = IMAGE_FILE_NAME;
/** Where the generated file is inside the rootfs. */
export const ORIGINALS_PATH = `${CONTROL_MOUNT}/${ORIGINALS_FILE}`;
/** Scratch file of the evaluation's definition search (inside the control directory). */
export const NORMALISED_FILE = 'normalised';

/** A function whose image.sh text is exactly its winning definition. */
export interface OriginalDefinition {
  name: string;
  /** 1-based image.sh line where the definition starts. */
  line: number;
  /** The definition as written, lines separated by '\n'. */
  text: string;
}

/**
 * The generated file: each definition's lines at their image.sh line
 * numbers, blank lines elsewhere. A definition that overlaps one placed
 * before it (a nested definition found inside its outer function) is left
 * out; its `declare -f` text still defines it. Undefined when there is
 * nothing to place.
 */
export function originalsFile(defs: readonly OriginalDefinition[]): string | undefined {
  const lines: string[] = [];
  let placedUpTo = 0; // last line used so far (1-based)
  for (const d of [...defs].sort((a, b) => a.line - b.line)) {
    const text = d.text.split('\n');
    if (d.line <= placedUpTo) continue;
    while (lines.length < d.line - 1) lines.push('');
    lines.push(...text);
    placedUpTo = d.line + text.length - 1;
  }
  return lines.length ? lines.join('\n') + '\n' : undefined;
}

/** One function frame of the ERR trap's report, innermost first. */
export interface Frame {
  func: string;
  file: string;
  /** The failing command's line (innermost frame) or the line of the call to the inner frame. */
  line: number;
}

export interface ErrReport {
  status: number;
  /** $BASH_SUBSHELL: 0 in the hook's own shell. */
  subshell: number;
  frames: Frame[];
}

/**
 * Bash for the ERR trap of the postinstall driver: one line
 * `MARKER<TAB>status<TAB>subshell(<TAB>func<TAB>file<TAB>line)*` per failing
 * command, on a copy of the original stderr (a hook's own `2>/dev/null` does
 * not hide it).
 */
export function errTrapScript(marker: string): string {
  if (!/^[\w-]+$/.test(marker)) throw new Error(`unsafe ERR report marker: ${marker}`);
  return `exec {__makeimg_report}>&2
__makeimg_on_err() {
  local status=$1 line=$2 subshell=$3 i frames=
  for (( i = 1; i < \${#FUNCNAME[@]}; i++ )); do
    if (( i > 1 )); then line=\${BASH_LINENO[i-1]}; fi
    frames+=$'\\t'"\${FUNCNAME[i]}"$'\\t'"\${BASH_SOURCE[i]}"$'\\t'"$line"
  done
  printf '%s\\t%s\\t%s%s\\n' ${marker} "$status" "$subshell" "$frames" >&$__makeimg_report
}
trap '__makeimg_on_err "$?" "$LINENO" "$BASH_SUBSHELL"' ERR`;
}

/** The report of a stderr line written by the trap, or undefined for any other line. */
export function parseErrReport(text: string, marker: string): ErrReport | undefined {
  const fields = text.split('\t');
  if (fields[0] !== marker || fields.length < 3) return undefined;
  const frames: Frame[] = [];
  for (let i = 3; i + 2 < fields.length; i += 3) {
    frames.push({ func: fields[i]!, file: fields[i + 1]!, line: Number(fields[i + 2]) });
  }
  return { status: Number(fields[1]), subshell: Number(fields[2]), frames };
}

function sameFrame(a: Frame, b: Frame): boolean {
  return a.func === b.func && a.file === b.file && a.line === b.line;
}

/**
 * Whether `earlier` is the failure that made `later` fail: a command in a
 * subshell or function called by `later`'s failing command, i.e. `later`'s
 * stack with more frames inside (or the same stack one subshell deeper).
 * A report that only shares the function (a failure that did not stop the
 * hook, like `local v=$(false)`) has another line there and is not.
 */
function explains(earlier: ErrReport, later: ErrReport): boolean {
  const inner = earlier.frames.length - later.frames.length;
  if (earlier.subshell < later.subshell || inner < 0) return false;
  if (inner === 0 && earlier.subshell === later.subshell) return false;
  return later.frames.every((f, k) => sameFrame(earlier.frames[inner + k]!, f));
}

/**
 * The report of the command that failed the hook. The trap fires once per
 * failing command, also in subshells and command substitutions whose failure
 * the hook ignored; the shell itself stops at its first report, the last
 * one. From there, the reports just before it that explain it lead to the
 * innermost failing command.
 */
export function failingReport(reports: readonly ErrReport[]): ErrReport | undefined {
  let i = reports.length - 1;
  if (i < 0 || reports[i]!.subshell !== 0) return undefined; // the hook ended another way (exit, return)
  while (i > 0 && explains(reports[i - 1]!, reports[i]!)) i--;
  return reports[i];
}

/** Frames inside image.sh code: up to do_postinstall, without makeimg's driver. */
function hookFrames(r: ErrReport): Frame[] {
  const end = r.frames.findIndex((f) => f.func === DO_POSTINSTALL);
  return end === -1 ? [] : r.frames.slice(0, end + 1);
}

function mappedLine(f: Frame): number | undefined {
  return f.file === ORIGINALS_PATH && Number.isInteger(f.line) && f.line > 0 ? f.line : undefined;
}

export interface PostinstallFailure {
  /** image.sh line of the failing command, else of the innermost call leading to it that is known. */
  line?: number;
  /** e.g. "in helper, called from do_postinstall at line 14"; empty when the command failed in do_postinstall itself. */
  where: string;
}

/** Where a do_postinstall failure happened, from the report of the failing command. */
export function locateFailure(r: ErrReport | undefined): PostinstallFailure {
  const frames = r ? hookFrames(r) : [];
  const line = frames.map(mappedLine).find((l) => l !== undefined);
  if (frames.length < 2) return { line, where: '' };
  const callers = frames.slice(1).map((f, i) => {
    const at = mappedLine(f);
    return `${i === 0 ? 'called from' : 'from'} ${f.func}${at ? ` at line ${at}` : ''}`;
  });
  const inner = `in ${frames[0]!.func}${mappedLine(frames[0]!) === undefined ? ' (line unknown)' : ''}`;
  return { line, where: [inner, ...callers].join(', ') };
}
