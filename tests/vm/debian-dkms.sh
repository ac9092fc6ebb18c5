#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-dkms.sh: Debian's own kernel image with the doorbell-dkms
# package's modules installed by DKMS, as on a user's host.
#
# The package is built from the tree and unpacked, and DKMS, run as on a
# host with the package installed but with trees of its own
# (tests/dkms/dkms-pkg.sh), adds it, then builds and installs its modules
# for the image's kernel as a kernel update does (dkms autoinstall), into
# a hard-linked copy of the image's module tree.  depmod runs on that
# copy here: in the guest, the install alone takes minutes under TCG.
# Nothing is installed on the host.
#
# The guest binds the DKMS tree over /var/lib/dkms (doorbell.dkms=), so
# that dkms status there answers as on the host.
#
# The test-only modules of tests/kmod are built against the same headers
# and the series' headers, which the DKMS build keeps beside its modules,
# into kmod/ beside the vmlinuz, as kernel/build.sh puts them beside a
# bzImage.
#
# All of it is under $DOORBELL_CACHE/debian/dkms-<key>, keyed by the
# image, the package's sources (debian/ without the user-space packages'
# file lists) and the kmod sources: boot/, lib/modules/,
# the DKMS tree in dkms/ and the unpacked package in pkg/.  The last line
# on stdout is the path of the vmlinuz, with lib/modules/<abi> beside its
# boot/ directory, as debian-image.sh prints it.  Progress and errors go
# to stderr.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${DOORBELL_CACHE:-/var/cache/doorbell}/debian

say() { echo "debian-dkms: $*" >&2; }
die() { echo "debian-dkms: error: $*" >&2; exit 1; }

vmlinuz=$("$SRC/tests/vm/debian-image.sh" | tail -n1)
image=$(cd "$(dirname "$vmlinuz")/.." && pwd)
abi=${vmlinuz##*/vmlinuz-}
key=$(cat "$SRC"/kernel/patches/*.patch "$SRC"/kernel/dkms/* \
	"$SRC/tests/vm/debian-headers.sh" \
	$(find "$SRC/debian" -type f ! -name "*.install" ! -name "*.symbols" | sort) \
	"$SRC/buildlib/build-debs.sh" \
	"$SRC"/tests/kmod/* "$SRC/tests/dkms/dkms-pkg.sh" "$0" |
	sha256sum | cut -c1-16)
dir=$CACHE/dkms-${image##*/}-$key

if [ -e "$dir/.done" ]; then
	say "cached ($dir)"
	echo "$dir/boot/vmlinuz-$abi"
	exit 0
fi

mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/.dkms.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$SRC/tests/dkms/dkms-pkg.sh"
dkms_pkg_unpack "$tmp/root" || die "no doorbell-dkms package"
version=$DKMS_PKG_VERSION

mkdir -p "$tmp/root/lib/modules"
cp -al "$image/boot" "$tmp/root/"
cp -al "$image/lib/modules/$abi" "$tmp/root/lib/modules/"
# depmod rewrites these; the image's own must stay as they are.
rm -f "$tmp/root/lib/modules/$abi"/modules.*
cp -p "$image/lib/modules/$abi"/modules.{order,builtin,builtin.modinfo} \
	"$tmp/root/lib/modules/$abi/"

# The image's headers, unpacked beside it (on a host, /lib/modules/<abi>/build).
kdir=$("$SRC/tests/vm/debian-headers.sh" | tail -n1)
dkms=(dkms_pkg --kernelsourcedir "$kdir")
mod=(-m doorbell -v "$version" -k "$abi")
# As a new kernel's headers trigger it (/etc/kernel/header_postinst.d/dkms
# runs dkms autoinstall for that kernel): every added package with
# AUTOINSTALL is built and installed for it.
say "dkms add, and autoinstall for $abi"
"${dkms[@]}" add -m doorbell -v "$version" >&2
"${dkms[@]}" autoinstall --no-depmod -k "$abi" >&2 || {
	tail -n 20 "$tmp/root/dkms/doorbell/$version/build/make.log" >&2
	die "dkms autoinstall of doorbell $version fails for $abi"
}
depmod -b "$tmp/root" "$abi"
status=$("${dkms[@]}" status "${mod[@]}")
[[ $status == *": installed" ]] ||
	die "dkms status says '$status', not installed"
say "dkms status: $status"

say "building tests/kmod"
exports=$tmp/root/dkms/doorbell/$version/$abi/$(uname -m)/exports
cp -r "$SRC/tests/kmod" "$tmp/kmod-src"
make -s -C "$kdir" M="$tmp/kmod-src" \
	NOSTDINC_FLAGS="-I$exports/include" \
	KBUILD_EXTRA_SYMBOLS="$exports/Module.symvers" modules >&2 ||
	die "tests/kmod does not build for $abi"
mkdir -p "$tmp/kmod"
strip --strip-debug -o "$tmp/kmod/dmabuf_importer.ko" \
	"$tmp/kmod-src/dmabuf_importer.ko"

mv "$tmp/kmod" "$tmp/root/boot/"
rm -rf "$tmp/root/debs" "$tmp/root"/mok.*
rm -rf "$dir"
mv "$tmp/root" "$dir"
# DKMS's link to the source, where the package now lies.
ln -sfn "$dir/pkg/usr/src/doorbell-$version" "$dir/dkms/doorbell/$version/source"
touch "$dir/.done"
say "ready ($dir)"
echo "$dir/boot/vmlinuz-$abi"
