# shellcheck shell=bash
# makeimg: evaluate image.sh (stages/evaluate.ts), as root of a user
# namespace without network. Environment (besides common.bash's):
#   MAKEIMG_IMAGE_FILE     image.sh
#   MAKEIMG_DESCRIPTION    the output file (control-dir.ts)
#   MAKEIMG_SYNTAX_STATUS  exit status when image.sh does not parse
#   MAKEIMG_SCALARS, MAKEIMG_ARRAYS, MAKEIMG_HOOKS  names asked for
#   MAKEIMG_EXCLUDED       bash's own and makeimg's variables, never part of the definitions
# Writes a NUL-separated description:
#   scalar NAME SET VALUE | array NAME KIND COUNT ELEMENTS... |
#   function NAME LINE FILE | variable NAME DECLARATION | body NAME TEXT |
#   original NAME LINE TEXT | end
# VARIABLE records are `declare -p` of every variable image.sh added or
# changed (not the provided ones), BODY records `declare -f` of its
# functions: together what do_postinstall gets inside the rootfs (and the
# install cache's key). ORIGINAL records are the image.sh text of plain
# definitions (see the search below). No command
# substitution per variable, no enumeration of all variables: linear in the
# number of variables.

__makeimg_image=$MAKEIMG_IMAGE_FILE
__makeimg_out=$MAKEIMG_DESCRIPTION
__makeimg_syntax_status=$MAKEIMG_SYNTAX_STATUS
read -r -a __makeimg_scalars <<<"$MAKEIMG_SCALARS"
read -r -a __makeimg_arrays <<<"$MAKEIMG_ARRAYS"
read -r -a __makeimg_hooks <<<"$MAKEIMG_HOOKS"
declare -A __makeimg_excluded=()
for __makeimg_n in $MAKEIMG_EXCLUDED; do __makeimg_excluded[$__makeimg_n]=1; done
# shellcheck source=common.bash
source "${BASH_SOURCE[0]%/*}/common.bash"
unset -f __makeimg_err_trap __makeimg_on_err __makeimg_hook_done

# shellcheck disable=SC2154 # src_dir: common.bash
cd "$src_dir" || exit 90
bash -n "$__makeimg_image" || exit "$__makeimg_syntax_status"
__makeimg_scratch=$(mktemp)

# What every variable is before image.sh runs (bash's own, a few dozen).
declare -A __makeimg_before=()
mapfile -t __makeimg_names < <(compgen -v)
for __makeimg_n in "${__makeimg_names[@]}"; do
  declare -p "$__makeimg_n" >"$__makeimg_scratch" 2>/dev/null || continue
  IFS= read -r -d '' "__makeimg_before[$__makeimg_n]" <"$__makeimg_scratch"
done

# The names written in image.sh (before image.sh can redefine grep or sort).
mapfile -t __makeimg_candidates < <(command -p grep -ohE '[A-Za-z_][A-Za-z0-9_]*' "$__makeimg_image" | command -p sort -u)

# shellcheck disable=SC1090
source "$__makeimg_image"
# Shell options image.sh sets for itself (set -euo pipefail) must not stop the description.
set +euo pipefail
trap - ERR

{
  for __makeimg_n in "${__makeimg_scalars[@]}"; do
    declare -n __makeimg_r=$__makeimg_n
    printf 'scalar\0%s\0%s\0%s\0' "$__makeimg_n" "${__makeimg_r+set}" "${__makeimg_r-}"
    unset -n __makeimg_r
  done

  for __makeimg_n in "${__makeimg_arrays[@]}"; do
    if ! declare -p "$__makeimg_n" >"$__makeimg_scratch" 2>/dev/null; then
      printf 'array\0%s\0unset\0%s\0' "$__makeimg_n" 0
      continue
    fi
    IFS= read -r -d '' __makeimg_p <"$__makeimg_scratch"
    case "$__makeimg_p" in
      "declare -a"*)
        declare -n __makeimg_r=$__makeimg_n
        printf 'array\0%s\0array\0%s\0' "$__makeimg_n" "${#__makeimg_r[@]}"
        # An empty array prints no element (printf with no arguments would print one).
        if (( ${#__makeimg_r[@]} > 0 )); then printf '%s\0' "${__makeimg_r[@]}"; fi
        unset -n __makeimg_r ;;
      *) printf 'array\0%s\0other\0%s\0' "$__makeimg_n" 0 ;;
    esac
  done

  shopt -s extdebug
  for __makeimg_f in "${__makeimg_hooks[@]}"; do
    declare -F "$__makeimg_f" >"$__makeimg_scratch" || continue
    read -r _ __makeimg_line __makeimg_file <"$__makeimg_scratch"
    printf 'function\0%s\0%s\0%s\0' "$__makeimg_f" "$__makeimg_line" "$__makeimg_file"
  done
  shopt -u extdebug

  # Every variable image.sh added or changed, linearly: bash enumerates
  # variables (compgen -v, declare -p, ${!x@}) in time quadratic in their
  # number, so the names written in image.sh (the candidates) are captured
  # directly and unset, and only what is left (bash's own, names made at run
  # time) is enumerated. Each is a record `variable NAME DECLARATION`.
  declare -A __makeimg_seen=()
  __makeimg_total=${#__makeimg_candidates[@]}
  __makeimg_done=0
  for __makeimg_n in "${__makeimg_candidates[@]}" __makeimg_enumerate "${__makeimg_names[@]}"; do
    if [[ "$__makeimg_n" == __makeimg_enumerate ]]; then
      mapfile -t __makeimg_names < <(compgen -v)
      continue
    fi
    if (( ++__makeimg_done % 50000 == 0 )); then
      printf 'makeimg: captured %d of %d names\n' "$__makeimg_done" "$__makeimg_total" >&2
    fi
    case "$__makeimg_n" in __makeimg_*) continue ;; esac
    [[ -v "__makeimg_excluded[$__makeimg_n]" || -v "__makeimg_seen[$__makeimg_n]" ]] && continue
    # Most candidates are not variables (commands, words): -v answers cheaply.
    [[ -v "$__makeimg_n" ]] || declare -p "$__makeimg_n" >/dev/null 2>&1 || continue
    __makeimg_seen[$__makeimg_n]=1
    if [[ -v "__makeimg_before[$__makeimg_n]" ]]; then
      # One of bash's own (a few dozen): kept only when image.sh changed it.
      declare -p "$__makeimg_n" >"$__makeimg_scratch"
      IFS= read -r -d '' __makeimg_p <"$__makeimg_scratch"
      [[ "$__makeimg_p" != "${__makeimg_before[$__makeimg_n]}" ]] && printf 'variable\0%s\0%s\0' "$__makeimg_n" "$__makeimg_p"
    else
      printf 'variable\0%s\0' "$__makeimg_n"
      declare -p "$__makeimg_n"
      printf '\0'
    fi
    if [[ -R "$__makeimg_n" ]]; then unset -n "$__makeimg_n"; else unset -v "$__makeimg_n"; fi 2>/dev/null
  done

  # Every function image.sh defines: `body NAME DEFINITION`.
  mapfile -t __makeimg_fns < <(compgen -A function)
  for __makeimg_f in "${__makeimg_fns[@]}"; do
    case "$__makeimg_f" in __makeimg_*) continue ;; esac
    printf 'body\0%s\0' "$__makeimg_f"
    declare -f "$__makeimg_f"
    printf '\0'
  done

  # For each function image.sh defines in image.sh itself, bash says on
  # which line its winning definition starts (extdebug `declare -F`). The
  # original lines from there are taken up to the first possible closing
  # line (the first line, or a `}`/`)` line indented no deeper) where they
  # parse, wrapped in a function; they are used only if that is exactly the
  # captured definition (same `declare -f` text of the wrapper): then that
  # text alone is the definition, with nothing of the top level around it,
  # and do_postinstall can get it at its original lines (line-mapped
  # errors). A start line that is not the start of a plain definition (eval,
  # a line shared with other code) fails the comparison; the function then
  # keeps its `declare -f` text. In a subshell with alias expansion off (the
  # rootfs does not have image.sh's aliases).
  (
    shopt -u expand_aliases
    shopt -s extdebug
    exec {__makeimg_keep}>&1 >/dev/null 2>&1
    mapfile -t __makeimg_lines <"$__makeimg_image"
    # bash's own rendering of "a function whose body is exactly TEXT"
    __makeimg_wrapped() {
      __makeimg_norm=
      unset -f __makeimg_w
      eval "__makeimg_w() {
$1
}" || return 1
      declare -f __makeimg_w >"$__makeimg_scratch"
      IFS= read -r -d '' __makeimg_norm <"$__makeimg_scratch"
      return 0
    }
    mapfile -t __makeimg_fns < <(compgen -A function)
    for __makeimg_f in "${__makeimg_fns[@]}"; do
      case "$__makeimg_f" in __makeimg_*) continue ;; esac
      declare -F "$__makeimg_f" >"$__makeimg_scratch" || continue
      read -r _ __makeimg_start __makeimg_file <"$__makeimg_scratch"
      [[ "$__makeimg_file" == "$__makeimg_image" && "$__makeimg_start" =~ ^[1-9][0-9]*$ ]] || continue
      declare -f "$__makeimg_f" >"$__makeimg_scratch"
      IFS= read -r -d '' __makeimg_d <"$__makeimg_scratch"
      __makeimg_wrapped "$__makeimg_d" || continue
      __makeimg_want=$__makeimg_norm
      __makeimg_text=
      __makeimg_indent=${__makeimg_lines[__makeimg_start-1]%%[![:space:]]*}
      for (( __makeimg_e = __makeimg_start; __makeimg_e <= ${#__makeimg_lines[@]}; __makeimg_e++ )); do
        __makeimg_l=${__makeimg_lines[__makeimg_e-1]}
        __makeimg_text+=$__makeimg_l
        # Where a definition can end: its first line, or a line starting with
        # } or ) indented no deeper than that. The first complete parse decides.
        __makeimg_li=${__makeimg_l%%[![:space:]]*}
        if { (( __makeimg_e == __makeimg_start )) ||
             { (( ${#__makeimg_li} <= ${#__makeimg_indent} )) && [[ "${__makeimg_l:${#__makeimg_li}:1}" == [')}'] ]]; }; } &&
           __makeimg_wrapped "$__makeimg_text"; then
          [[ "$__makeimg_norm" == "$__makeimg_want" ]] &&
            printf 'original\0%s\0%s\0%s\0' "$__makeimg_f" "$__makeimg_start" "$__makeimg_text" >&"$__makeimg_keep"
          break
        fi
        __makeimg_text+=$'\n'
      done
    done
  )
  printf 'end\0'
} >"$__makeimg_out"
