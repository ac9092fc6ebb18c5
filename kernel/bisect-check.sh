#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build every patch of the series on its own, in order, as `git bisect`
# would meet them: base + patch 1, + patch 2, ...  Uses the kernel tree
# and object directory of build.sh (incremental builds), then leaves the
# tree on branch 'series'.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TREE=${DOORBELL_WORK:-/var/tmp/doorbell}/kernel/linux
variant=${1:-vm}

"$HERE/build.sh" --variant "$variant" >/dev/null	# tree at base + series
n=$(git -C "$TREE" rev-list --count base..series)
bad=0
for c in $(git -C "$TREE" rev-list --reverse base..series); do
	git -C "$TREE" checkout -q "$c"
	subject=$(git -C "$TREE" log -1 --format=%s)
	if DOORBELL_NO_TEST_MODULES=1 \
	   "$HERE/build.sh" --variant "$variant" --tree >/dev/null 2>&1; then
		echo "ok: $subject"
	else
		echo "FAIL: $subject"
		bad=1
	fi
done
git -C "$TREE" checkout -q series
echo "$n patches checked"
exit $bad
