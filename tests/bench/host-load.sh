#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# host-load.sh N -- COMMAND...: run COMMAND with N CPU hogs on the host
# beside it (busy loops at the default priority, as a build or another VM
# would compete), and stop them when it ends.  Its exit status is
# COMMAND's.
set -u
[ $# -ge 3 ] && [ "$2" = -- ] || {
	echo "usage: host-load.sh N -- COMMAND..." >&2
	exit 2
}
n=$1
shift 2
hogs=()
for ((i = 0; i < n; i++)); do
	bash -c 'while :; do :; done' &
	hogs+=($!)
done
trap 'kill "${hogs[@]}" 2>/dev/null' EXIT
echo "host-load: $n CPU hog(s) on the host, pids ${hogs[*]}"
"$@"
