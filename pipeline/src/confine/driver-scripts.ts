/**
 * The bash driver scripts that run image.sh code inside a container. They
 * are generated here (names from the contract, paths quoted), written to the
 * control directory and run as `bash /run/makeimg/driver.sh`.
 *
 * For do_install, image.sh is sourced from its real path, so bash's
 * BASH_SOURCE/LINENO point into it and the ERR trap can report the failing
 * image.sh line; do_postinstall gets the same from postinstall-lines.ts.
 */
import {
  DO_INSTALL,
  DO_POSTINSTALL,
  FILE_ARRAY_PAIRS,
  HOOKS,
  IMAGE_CHECKS_DISABLE,
  IMAGE_FILE_NAME,
  IMG_DIR,
  IMG_NAME,
  IMG_PATH,
  PROVIDED_VARIABLES,
  SRC_DIR,
} from '../../../shared/contract';
import { CONTROL_MOUNT } from './nspawn';
import { DESCRIPTION_FILE } from './control-dir';
import { errTrapScript } from './err-reports';
import { NORMALISED_FILE, ORIGINALS_PATH } from './postinstall-lines';

/** Single-quote a string for bash. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Exit status of the evaluation driver when image.sh does not parse. */
export const SYNTAX_ERROR_STATUS = 91;

/**
 * Bash's own variables (changing on every read, or describing the shell)
 * that are never part of "what image.sh defines".
 */
const SHELL_VARIABLES = [
  'BASH', 'BASHOPTS', 'BASHPID', 'BASH_ALIASES', 'BASH_ARGC', 'BASH_ARGV', 'BASH_ARGV0', 'BASH_CMDS', 'BASH_COMMAND',
  'BASH_LINENO', 'BASH_LOADABLES_PATH', 'BASH_REMATCH', 'BASH_SOURCE', 'BASH_SUBSHELL', 'BASH_VERSINFO', 'BASH_VERSION',
  'COLUMNS', 'COMP_WORDBREAKS', 'DIRSTACK', 'EPOCHREALTIME', 'EPOCHSECONDS', 'EUID', 'FUNCNAME', 'GROUPS', 'HISTCMD',
  'HOSTNAME', 'HOSTTYPE', 'LINENO', 'LINES', 'MACHTYPE', 'OLDPWD', 'OPTERR', 'OPTIND', 'OSTYPE', 'PIPESTATUS', 'PPID',
  'PS4', 'PWD', 'RANDOM', 'SECONDS', 'SHELLOPTS', 'SHLVL', 'SRANDOM', 'UID', '_',
];

function providedAssignments(p: { srcDir: string; imgDir?: string; imgPath?: string }): string {
  const values: Record<string, string | undefined> = { [SRC_DIR]: p.srcDir, [IMG_DIR]: p.imgDir, [IMG_PATH]: p.imgPath };
  return PROVIDED_VARIABLES.filter((v) => values[v.name] !== undefined)
    .map((v) => `${v.name}=${shellQuote(values[v.name]!)}`)
    .join('\n');
}

/** The drivers run image.sh code in $src_dir, as the original did. */
const CD_SRC_DIR = `cd "$${SRC_DIR}" || exit 90`;

function imageFile(srcDir: string): string {
  return `${srcDir.replace(/\/+$/, '')}/${IMAGE_FILE_NAME}`;
}

/**
 * Evaluation (resolve stage and `makeimg check`): source image.sh inside the
 * confinement and write a NUL-separated description of it:
 *   scalar NAME SET VALUE | array NAME KIND COUNT ELEMENTS... |
 *   function NAME LINE FILE | variable NAME DECLARATION | body NAME TEXT |
 *   definitions TEXT | original NAME LINE TEXT
 * VARIABLE and BODY records are each variable's `declare -p` and each
 * function's `declare -f` (the install cache's key is made of them).
 * DEFINITIONS is `declare -p` of every variable image.sh added or changed
 * (except the provided ones) plus `declare -f` of its functions: what
 * do_postinstall gets inside the rootfs; ORIGINAL records are the image.sh
 * text of plain definitions (see originalDefinitionsSearch).
 */
export function evaluationScript(srcDir: string): string {
  const out = `${CONTROL_MOUNT}/${DESCRIPTION_FILE}`;
  const arrays = [...FILE_ARRAY_PAIRS.flatMap((p) => [p.src, p.dst]), IMAGE_CHECKS_DISABLE];
  const excluded = [...SHELL_VARIABLES, ...PROVIDED_VARIABLES.map((v) => v.name)];
  return `# makeimg: evaluate image.sh (generated)
${providedAssignments({ srcDir })}
${CD_SRC_DIR}
bash -n ${shellQuote(imageFile(srcDir))} || exit ${SYNTAX_ERROR_STATUS}
declare -A __makeimg_before=()
mapfile -t __makeimg_names < <(compgen -v)
for __makeimg_n in "\${__makeimg_names[@]}"; do
  __makeimg_before[$__makeimg_n]=$(declare -p "$__makeimg_n" 2>/dev/null)
done
source ${shellQuote(imageFile(srcDir))}
# Shell options image.sh sets for itself (set -euo pipefail) must not stop the description.
set +euo pipefail
trap - ERR
__makeimg_excluded=" ${excluded.join(' ')} "
{
  printf 'scalar\\0%s\\0%s\\0%s\\0' ${IMG_NAME} "\${${IMG_NAME}+set}" "\${${IMG_NAME}-}"
  for __makeimg_a in ${arrays.join(' ')}; do
    __makeimg_p=$(declare -p "$__makeimg_a" 2>/dev/null)
    case "$__makeimg_p" in
      "declare -a"*) declare -n __makeimg_r="$__makeimg_a"
                     printf 'array\\0%s\\0array\\0%s\\0' "$__makeimg_a" "\${#__makeimg_r[@]}"
                     printf '%s\\0' "\${__makeimg_r[@]}"
                     unset -n __makeimg_r ;;
      "") printf 'array\\0%s\\0unset\\0%s\\0' "$__makeimg_a" 0 ;;
      *) printf 'array\\0%s\\0other\\0%s\\0' "$__makeimg_a" 0 ;;
    esac
  done
  shopt -s extdebug
  for __makeimg_f in ${HOOKS.map((h) => h.name).join(' ')}; do
    if __makeimg_d=$(declare -F "$__makeimg_f"); then
      read -r _ __makeimg_line __makeimg_file <<<"$__makeimg_d"
      printf 'function\\0%s\\0%s\\0%s\\0' "$__makeimg_f" "$__makeimg_line" "$__makeimg_file"
    fi
  done
  shopt -u extdebug
  __makeimg_defs=
  mapfile -t __makeimg_names < <(compgen -v)
  for __makeimg_n in "\${__makeimg_names[@]}"; do
    case "$__makeimg_n" in __makeimg_*) continue ;; esac
    case "$__makeimg_excluded" in *" $__makeimg_n "*) continue ;; esac
    __makeimg_p=$(declare -p "$__makeimg_n" 2>/dev/null) || continue
    [[ "\${__makeimg_before[$__makeimg_n]-}" == "$__makeimg_p" ]] && continue
    __makeimg_defs+="$__makeimg_p"$'\\n'
    printf 'variable\\0%s\\0%s\\0' "$__makeimg_n" "$__makeimg_p"
  done
  mapfile -t __makeimg_fns < <(compgen -A function)
  for __makeimg_f in "\${__makeimg_fns[@]}"; do
    case "$__makeimg_f" in __makeimg_*) continue ;; esac
    printf 'body\\0%s\\0%s\\0' "$__makeimg_f" "$(declare -f "$__makeimg_f")"
  done
  __makeimg_defs+=$(declare -f)
  printf 'definitions\\0%s\\0' "$__makeimg_defs"
${originalDefinitionsSearch(imageFile(srcDir))}
} > ${shellQuote(out)}
`;
}

/**
 * Part of the evaluation: for each function image.sh defines in image.sh
 * itself, bash says on which line its winning definition starts (extdebug
 * `declare -F`). The original lines from there are taken up to the first
 * possible closing line (the first line, or a `}`/`)` line indented no
 * deeper) where they parse, wrapped in a function; they are used only if
 * that is exactly the captured definition (same `declare -f` text of the
 * wrapper): then that text alone is the definition, with nothing of the
 * top level around it, and do_postinstall can get it at its original lines
 * (line-mapped errors). Prints `original NAME LINE TEXT` records.
 *
 * Runs in a subshell with alias expansion off (the rootfs does not have
 * image.sh's aliases). A start line that is not the start of
 * a plain definition (eval, a line shared with other code) fails the
 * comparison; the function then keeps its `declare -f` text.
 */
function originalDefinitionsSearch(file: string): string {
  const norm = `${CONTROL_MOUNT}/${NORMALISED_FILE}`;
  return `  (
    shopt -u expand_aliases
    shopt -s extdebug
    exec {__makeimg_out}>&1 >/dev/null 2>&1
    mapfile -t __makeimg_lines < ${shellQuote(file)}
    # bash's own rendering of "a function whose body is exactly TEXT"
    __makeimg_wrapped() {
      __makeimg_norm=
      unset -f __makeimg_w
      eval "__makeimg_w() {
$1
}" || return 1
      declare -f __makeimg_w > ${shellQuote(norm)}
      IFS= read -r -d '' __makeimg_norm < ${shellQuote(norm)}
      return 0
    }
    mapfile -t __makeimg_fns < <(compgen -A function)
    for __makeimg_f in "\${__makeimg_fns[@]}"; do
      case "$__makeimg_f" in __makeimg_*) continue ;; esac
      # (through the scratch file: a command substitution forks per function)
      declare -F "$__makeimg_f" > ${shellQuote(norm)} || continue
      read -r _ __makeimg_start __makeimg_file < ${shellQuote(norm)}
      [[ "$__makeimg_file" == ${shellQuote(file)} && "$__makeimg_start" =~ ^[1-9][0-9]*$ ]] || continue
      declare -f "$__makeimg_f" > ${shellQuote(norm)}
      IFS= read -r -d '' __makeimg_d < ${shellQuote(norm)}
      __makeimg_wrapped "$__makeimg_d" || continue
      __makeimg_want=$__makeimg_norm
      __makeimg_text=
      __makeimg_indent=\${__makeimg_lines[__makeimg_start-1]%%[![:space:]]*}
      for (( __makeimg_e = __makeimg_start; __makeimg_e <= \${#__makeimg_lines[@]}; __makeimg_e++ )); do
        __makeimg_l=\${__makeimg_lines[__makeimg_e-1]}
        __makeimg_text+=$__makeimg_l
        # Where a definition can end: its first line, or a line starting with
        # } or ) indented no deeper than that. The first complete parse decides.
        __makeimg_li=\${__makeimg_l%%[![:space:]]*}
        if { (( __makeimg_e == __makeimg_start )) ||
             { (( \${#__makeimg_li} <= \${#__makeimg_indent} )) && [[ "\${__makeimg_l:\${#__makeimg_li}:1}" == [')}'] ]]; }; } &&
           __makeimg_wrapped "$__makeimg_text"; then
          [[ "$__makeimg_norm" == "$__makeimg_want" ]] &&
            printf 'original\\0%s\\0%s\\0%s\\0' "$__makeimg_f" "$__makeimg_start" "$__makeimg_text" >&$__makeimg_out
          break
        fi
        __makeimg_text+=$'\\n'
      done
    done
  )`;
}

/**
 * do_install inside the confinement, with `set -eE` and the ERR trap
 * (err-reports.ts); image.sh is sourced from its real path, so the trap's
 * frames name its lines.
 */
export function installScript(p: { srcDir: string; imgDir: string; imgPath: string; errMarker: string }): string {
  const provided = providedAssignments(p);
  return `# makeimg: run ${DO_INSTALL} (generated)
${provided}
${CD_SRC_DIR}
source ${shellQuote(imageFile(p.srcDir))}
# makeimg's values win over assignments in image.sh.
${provided}
${CD_SRC_DIR}
${errTrapScript(p.errMarker)}
set -eE
${DO_INSTALL}
`;
}

/**
 * do_postinstall inside the new rootfs: the functions and variables image.sh
 * defines (captured by the evaluation), never the provided paths; then the
 * original text of plain definitions at their image.sh lines (when there is
 * any), so the ERR trap's lines are image.sh's.
 */
export function postinstallScript(p: { definitions: string; withOriginals: boolean; errMarker: string }): string {
  return `# makeimg: run ${DO_POSTINSTALL} (generated)
${p.definitions}
${p.withOriginals ? `source ${shellQuote(ORIGINALS_PATH)}` : ''}
${errTrapScript(p.errMarker)}
set -eE
cd /
${DO_POSTINSTALL}
`;
}
