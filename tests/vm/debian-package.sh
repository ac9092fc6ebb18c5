#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-package.sh PACKAGE VERSION: one of Debian's packages, fetched
# with apt-get download and unpacked under $DOORBELL_CACHE/debian, keyed
# by name and version, never installed on the host.  The last line on
# stdout is the directory it was unpacked into; progress and errors go
# to stderr.
set -euo pipefail

CACHE=${DOORBELL_CACHE:-/var/cache/doorbell}/debian
pkg=${1:?usage: debian-package.sh PACKAGE VERSION}
version=${2:?usage: debian-package.sh PACKAGE VERSION}
dir=$CACHE/${pkg}_$version

say() { echo "debian-package: $*" >&2; }
die() { echo "debian-package: error: $*" >&2; exit 1; }

if [ -e "$dir/.done" ]; then
	say "cached ($dir)"
	echo "$dir"
	exit 0
fi

mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say "fetching $pkg $version"
# A package list older than the package may not name it.
(cd "$tmp" && apt-get download -q "$pkg=$version" >&2) ||
	{ apt-get update -q >&2 &&
		(cd "$tmp" && apt-get download -q "$pkg=$version" >&2); } ||
	die "cannot download $pkg $version"
dpkg-deb -x "$tmp"/"${pkg}"_*.deb "$tmp/root"
rm -rf "$dir"
mv "$tmp/root" "$dir"
touch "$dir/.done"
say "unpacked ($dir)"
echo "$dir"
