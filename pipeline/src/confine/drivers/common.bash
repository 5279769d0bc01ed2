# shellcheck shell=bash
# makeimg: sourced by every driver (driver-scripts.ts). Values come from the
# environment nspawn sets (--setenv), never from generated text:
#   MAKEIMG_PROVIDED      names of the variables makeimg provides (src_dir ...)
#   MAKEIMG_VALUE_<name>  the value of each
#   MAKEIMG_ERR_MARKER    (hooks) the marker of the ERR trap's report lines
# Every MAKEIMG_* variable is removed from the environment before image.sh
# code runs.

# makeimg's variables, read-only: image.sh cannot pre-empt or change them
# (`readonly img_dir=/etc` or `img_dir=/etc` fail with bash's own message).
__makeimg_set_provided() {
  local name value
  for name in $MAKEIMG_PROVIDED; do
    value=MAKEIMG_VALUE_$name
    declare -gr "$name=${!value}"
  done
}

# The ERR trap of the hooks (err-reports.ts): for each failing command one
# line MARKER<TAB>status<TAB>subshell<TAB>command(<TAB>func<TAB>file<TAB>line)*
# on a copy of the original stderr (a hook's own `2>/dev/null` does not hide
# it). The command is its text ($BASH_COMMAND) with \, tab and newline
# escaped as \\, \t and \n, so that it stays one field of one line.
# Each marked line starts with a line break: the hook's stderr may end
# without one (`yes | head -c N >&2`), and the marker must start a line; the
# host drops the empty line this gives before a marked line.
__makeimg_err_trap() {
  exec {__makeimg_report}>&2
  trap '__makeimg_on_err "$?" "$LINENO" "$BASH_SUBSHELL" "$BASH_COMMAND"' ERR
}
__makeimg_on_err() {
  local status=$1 line=$2 subshell=$3 cmd=${4:0:1000} i frames=
  cmd=${cmd//\\/\\\\}
  cmd=${cmd//$'\t'/\\t}
  cmd=${cmd//$'\n'/\\n}
  for (( i = 1; i < ${#FUNCNAME[@]}; i++ )); do
    if (( i > 1 )); then line=${BASH_LINENO[i-1]}; fi
    frames+=$'\t'"${FUNCNAME[i]}"$'\t'"${BASH_SOURCE[i]}"$'\t'"$line"
  done
  printf '\n%s\t%s\t%s\t%s%s\n' "$__makeimg_marker" "$status" "$subshell" "$cmd" "$frames" >&"$__makeimg_report"
}
# After the hook returned: the host knows it ran to its end (a top-level
# `exit 0` in image.sh must not pass for a finished hook).
__makeimg_hook_done() {
  printf '\n%s\tdone\n' "$__makeimg_marker" >&"$__makeimg_report"
}

__makeimg_set_provided
__makeimg_marker=${MAKEIMG_ERR_MARKER-}
unset -f __makeimg_set_provided
unset "${!MAKEIMG_@}"
