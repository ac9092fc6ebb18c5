#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's checkpatch.pl --strict over every patch of the series.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TREE=${DOORBELL_WORK:-/var/tmp/doorbell}/kernel/linux
# spdxcheck.py needs Debian's python3 (python3-ply, python3-git).
export PATH=/usr/bin:$PATH
checkpatch=$TREE/scripts/checkpatch.pl
[ -x "$checkpatch" ] || { echo "checkpatch: no kernel tree at $TREE (run kernel/build.sh)" >&2; exit 1; }

shopt -s nullglob
patches=("$HERE"/patches/*.patch)
if [ ${#patches[@]} -eq 0 ]; then
	echo "checkpatch: the series is empty"
	exit 0
fi
bad=0
for p in "${patches[@]}"; do
	if (cd "$TREE" && "$checkpatch" --strict --quiet --no-summary "$p"); then
		echo "ok: ${p##*/}"
	else
		echo "FAIL: ${p##*/}"
		bad=1
	fi
done
exit $bad
