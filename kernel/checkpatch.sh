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
	# Two checks cannot hold here.  The tree is a source tarball with
	# no upstream history, so a Fixes: tag's commit cannot be looked
	# up (UNKNOWN_COMMIT_ID).  New files fall under the subsystems'
	# existing MAINTAINERS entries, which checkpatch cannot tell from
	# a patch that does not touch MAINTAINERS (FILE_PATH_CHANGES).
	if (cd "$TREE" && "$checkpatch" --strict --quiet --no-summary \
		--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$p"); then
		echo "ok: ${p##*/}"
	else
		echo "FAIL: ${p##*/}"
		bad=1
	fi
done
exit $bad
