# shellcheck shell=bash
# makeimg: run do_install (stages/hooks.ts) in the confined host, image.sh
# sourced from its real path so the ERR trap's frames name its lines.
# Environment (besides common.bash's): MAKEIMG_IMAGE_FILE.
__makeimg_image=$MAKEIMG_IMAGE_FILE
# shellcheck source=common.bash
source "${BASH_SOURCE[0]%/*}/common.bash"
# shellcheck disable=SC2154 # src_dir: common.bash
cd "$src_dir" || exit 90
# shellcheck disable=SC1090
source "$__makeimg_image"
cd "$src_dir" || exit 90
__makeimg_err_trap
set -eE
do_install
__makeimg_hook_done
