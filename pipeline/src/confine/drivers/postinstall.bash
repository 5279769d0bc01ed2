# shellcheck shell=bash
# makeimg: run do_postinstall (stages/hooks.ts) inside the new rootfs, with
# the functions and variables image.sh defines (captured by the evaluation;
# never the build paths), then the original text of plain definitions at
# their image.sh lines when there is any (postinstall-lines.ts), so the ERR
# trap's lines are image.sh's. Files beside this driver (control-dir.ts):
#   definitions   `declare -p` / `declare -f` text
#   image.sh      the line-mapped originals (optional)
__makeimg_control=${BASH_SOURCE[0]%/*}
# shellcheck source=common.bash
source "$__makeimg_control/common.bash"
# shellcheck disable=SC1091
source "$__makeimg_control/definitions"
if [[ -f "$__makeimg_control/image.sh" ]]; then
  # shellcheck disable=SC1091
  source "$__makeimg_control/image.sh"
fi
__makeimg_err_trap
set -eE
cd /
do_postinstall
__makeimg_hook_done
