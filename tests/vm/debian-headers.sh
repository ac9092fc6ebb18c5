#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-headers.sh: the headers of Debian's kernel image of the same
# version as linux-source-6.12 (linux-headers-<abi>, the -common part it
# includes, and linux-kbuild), which the series' modules and tests/kmod
# build against.  They are fetched with apt-get download and unpacked
# (tests/vm/debian-package.sh), never installed: on the host the headers
# package would pull in a kernel image, and its initramfs, that nothing
# uses.
#
# The three packages are merged, hard-linked, into one tree under
# $DOORBELL_CACHE/debian, keyed by version, so that the headers' relative
# links into linux-kbuild resolve.  The one absolute path, the -common
# Makefile that <abi>'s Makefile includes, is pointed into that tree.
#
# The last line on stdout is the build directory, what
# /lib/modules/<abi>/build is on a host with the headers installed.
# Progress and errors go to stderr.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${DOORBELL_CACHE:-/var/cache/doorbell}/debian

say() { echo "debian-headers: $*" >&2; }
die() { echo "debian-headers: error: $*" >&2; exit 1; }

version=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	die "linux-source-6.12 is not installed (buildlib/setup-debian.sh installs it)"
. "$HERE/../../buildlib/debian-abi.sh"
abi=$(debian_abi)
flavourless=${abi%-amd64}
dir=$CACHE/headers-${abi}_$version
kdir=$dir/usr/src/linux-headers-$abi

if [ -e "$dir/.done" ]; then
	say "cached ($dir)"
	echo "$kdir"
	exit 0
fi

mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/.headers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for pkg in "linux-headers-$abi" "linux-headers-$flavourless-common" \
	"linux-kbuild-$flavourless"; do
	root=$("$HERE/debian-package.sh" "$pkg" "$version" | tail -n1)
	cp -al "$root/." "$tmp/"
done
rm -f "$tmp/.done"
makefile=$tmp/usr/src/linux-headers-$abi/Makefile
common=/usr/src/linux-headers-$flavourless-common
grep -qx "include $common/Makefile" "$makefile" ||
	die "linux-headers-$abi's Makefile does not include $common/Makefile"
# sed -i writes a new file: the package's unpacked copy stays as it is.
sed -i "s|^include $common/Makefile\$|include $dir$common/Makefile|" "$makefile"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
touch "$dir/.done"
say "unpacked ($dir)"
echo "$kdir"
