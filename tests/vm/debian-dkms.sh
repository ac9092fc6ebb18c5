#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-dkms.sh: Debian's own kernel image with the series' modules
# installed the way the DKMS package installs them: built against
# linux-headers-<abi> by kernel/dkms/build-modules.sh, put in
# updates/dkms/ of the kernel's module tree, and depmod run, so that
# modprobe picks them over the stock ones.
#
# The test-only modules of tests/kmod are built against the same headers
# into kmod/ beside the vmlinuz, as kernel/build.sh puts them beside a
# bzImage.
#
# The tree is Debian's (tests/vm/debian-image.sh), hard-linked, under
# $DOORBELL_CACHE/debian/dkms-<key>, keyed by the image, the series and
# the module build.  The last line on stdout is the path of the vmlinuz,
# with lib/modules/<abi> beside its boot/ directory, as debian-image.sh
# prints it.  Progress and errors go to stderr.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${DOORBELL_CACHE:-/var/cache/doorbell}/debian

say() { echo "debian-dkms: $*" >&2; }
die() { echo "debian-dkms: error: $*" >&2; exit 1; }

vmlinuz=$("$SRC/tests/vm/debian-image.sh" | tail -n1)
image=$(cd "$(dirname "$vmlinuz")/.." && pwd)
abi=${vmlinuz##*/vmlinuz-}
key=$(cat "$SRC"/kernel/patches/*.patch "$SRC"/kernel/dkms/* \
	"$SRC"/tests/kmod/* "$0" |
	sha256sum | cut -c1-16)
dir=$CACHE/dkms-${image##*/}-$key

if [ -e "$dir/.done" ]; then
	say "cached ($dir)"
	echo "$dir/boot/vmlinuz-$abi"
	exit 0
fi

tmp=$(mktemp -d "$CACHE/.dkms.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$SRC/kernel/dkms/build-modules.sh" -k "$abi" -o "$tmp/built" ||
	die "the series' modules do not build for $abi"
say "building tests/kmod"
cp -r "$SRC/tests/kmod" "$tmp/kmod-src"
make -s -C "/lib/modules/$abi/build" M="$tmp/kmod-src" \
	NOSTDINC_FLAGS="-I$tmp/built/include" \
	KBUILD_EXTRA_SYMBOLS="$tmp/built/Module.symvers" modules >&2 ||
	die "tests/kmod does not build for $abi"
mkdir -p "$tmp/kmod"
strip --strip-debug -o "$tmp/kmod/dmabuf_importer.ko" \
	"$tmp/kmod-src/dmabuf_importer.ko"
say "installing them into a copy of $image"
mkdir -p "$tmp/root/lib/modules"
cp -al "$image/boot" "$tmp/root/"
mv "$tmp/kmod" "$tmp/root/boot/"
cp -al "$image/lib/modules/$abi" "$tmp/root/lib/modules/"
# depmod rewrites these; the image's own must stay as they are.
rm -f "$tmp/root/lib/modules/$abi"/modules.*
cp -p "$image/lib/modules/$abi"/modules.{order,builtin,builtin.modinfo} \
	"$tmp/root/lib/modules/$abi/"
mkdir -p "$tmp/root/lib/modules/$abi/updates/dkms"
cp "$tmp/built"/*.ko "$tmp/root/lib/modules/$abi/updates/dkms/"
depmod -b "$tmp/root" "$abi"
rm -rf "$dir"
mv "$tmp/root" "$dir"
touch "$dir/.done"
say "ready ($dir)"
echo "$dir/boot/vmlinuz-$abi"
