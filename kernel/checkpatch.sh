#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's checkpatch.pl --strict over every patch of the series.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TREE=${DOORBELL_WORK:-/var/tmp/doorbell}/kernel/linux
# spdxcheck.py needs Debian's python3 (python3-ply, python3-git).
export PATH=/usr/bin:$PATH
SRC_TAR=/usr/src/linux-source-6.12.tar.xz

# A cached kernel build needs no source tree, so a warm machine may have
# none.  checkpatch.pl needs only its scripts and the top of a tree to
# recognise, so take those from the source tarball instead of a full
# extraction.
checkpatch_tree() {
	local dir=${DOORBELL_WORK:-/var/tmp/doorbell}/checkpatch-src
	if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
		[ -r "$SRC_TAR" ] || {
			echo "checkpatch: no kernel tree at $TREE and no $SRC_TAR" \
				"(apt-get install linux-source-6.12)" >&2
			exit 1
		}
		echo "checkpatch: extracting scripts from $SRC_TAR" >&2
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -C "$dir.tmp" --strip-components=1 -xJf "$SRC_TAR" \
			--wildcards 'linux-source-6.12/scripts/*' \
			'linux-source-6.12/LICENSES/*' \
			linux-source-6.12/{COPYING,CREDITS,Kbuild,MAINTAINERS,Makefile,README}
		# checkpatch's top_of_kernel_tree() looks for these directories.
		(cd "$dir.tmp" && mkdir -p Documentation arch include drivers fs \
			init ipc kernel lib)
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
	fi
	TREE=$dir
}

[ -x "$TREE/scripts/checkpatch.pl" ] || checkpatch_tree
checkpatch=$TREE/scripts/checkpatch.pl

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
