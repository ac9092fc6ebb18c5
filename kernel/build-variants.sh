#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-variants.sh VARIANT...: build.sh for each variant, side by side.
#
# One build of the kernel leaves a core idle for much of its time: while
# kconfig, objtool and the host tools build, and while vmlinux links,
# sorts and compresses.  Two builds beside each other fill those gaps,
# from one checkout of the series (build.sh shares the tree between
# builds that compile).  Prints each variant's bzImage, in the order
# given; fails if any build fails.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

[ $# -gt 0 ] || { echo "usage: build-variants.sh VARIANT..." >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pids=()
for variant in "$@"; do
	"$HERE/build.sh" --variant "$variant" >"$out/$variant" &
	pids+=($!)
done
rc=0
for i in "${!pids[@]}"; do
	if wait "${pids[$i]}"; then
		tail -n1 "$out/${*:i+1:1}"
	else
		echo "build-variants: the ${*:i+1:1} kernel failed" >&2
		rc=1
	fi
done
exit $rc
