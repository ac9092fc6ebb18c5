# SPDX-License-Identifier: GPL-2.0
# Source this from an in-VM test to get every helper.
_lib=.
[[ ${BASH_SOURCE[0]} == */* ]] && _lib=${BASH_SOURCE[0]%/*}
. "$_lib/common.sh"
. "$_lib/vfio.sh"
. "$_lib/rxe.sh"
. "$_lib/target.sh"
. "$_lib/nvmet.sh"
. "$_lib/unit.sh"
unset _lib
