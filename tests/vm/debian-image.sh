#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-image.sh: Debian's own kernel image for the test VM, the one
# users run: linux-image-<abi>-unsigned of the same version as the
# linux-source-6.12 our series applies to.  The package is fetched with
# apt-get download, never installed on the host: it is unpacked under
# $DOORBELL_CACHE/debian, keyed by its version, and depmod run on its
# modules.  The guest binds that module tree over /lib/modules/<abi>
# (tests/vm/init).
#
# The last line on stdout is the path of the vmlinuz; the modules are
# under lib/modules/<abi> beside its boot/ directory.  Progress and
# errors go to stderr.
set -euo pipefail

CACHE=${DOORBELL_CACHE:-/var/cache/doorbell}/debian
SRC_PKG=linux-source-6.12

say() { echo "debian-image: $*" >&2; }
die() { echo "debian-image: error: $*" >&2; exit 1; }

version=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null) ||
	die "$SRC_PKG is not installed (buildlib/setup-debian.sh installs it)"
# 6.12.118-1~deb12u1 -> 6.12.118+deb12-amd64, Debian's ABI name.
abi=${version%%-*}+deb12-amd64
pkg=linux-image-$abi-unsigned
dir=$CACHE/${pkg}_$version
vmlinuz=$dir/boot/vmlinuz-$abi

if [ -e "$dir/.done" ]; then
	say "cached ($dir)"
	echo "$vmlinuz"
	exit 0
fi

mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say "fetching $pkg $version"
# A package list older than the source package may not name the image.
(cd "$tmp" && apt-get download -q "$pkg=$version" >&2) ||
	{ apt-get update -q >&2 &&
		(cd "$tmp" && apt-get download -q "$pkg=$version" >&2); } ||
	die "cannot download $pkg $version"
say "unpacking"
dpkg-deb -x "$tmp"/"${pkg}"_*.deb "$tmp/root"
[ -r "$tmp/root/boot/vmlinuz-$abi" ] || die "$pkg has no vmlinuz-$abi"
depmod -b "$tmp/root" "$abi"
rm -rf "$dir"
mv "$tmp/root" "$dir"
touch "$dir/.done"
say "ready ($dir)"
echo "$vmlinuz"
