#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-modules.sh: build the series' modules for a Debian 6.12 kernel,
# against its headers, out of tree: the build step of a DKMS package, and
# what tests/vm/debian-dkms.sh runs.
#
#   build-modules.sh [-k KERNELRELEASE] [-b KDIR] [-o OUTDIR] [-p PATCHDIR]
#
# KDIR is the kernel's build directory, by default
# /lib/modules/KERNELRELEASE/build of linux-headers-KERNELRELEASE.
#
# The source is linux-source-6.12 with kernel/patches applied, the same
# series the test VM's kernel is built from.  Only the modules whose code
# the series changes or adds are kept, in OUTDIR (default ./built), with the
# headers the series changes (OUTDIR/include) and the Module.symvers of
# the build, for other out-of-tree modules that use the new symbols:
MODULES=(
	drivers/pci/pci-p2pdma-mmio
	drivers/vfio/vfio
	drivers/vfio/pci/vfio-pci-core
	drivers/vfio/pci/vfio-pci
	drivers/infiniband/core/ib_uverbs
	drivers/infiniband/sw/rxe/rdma_rxe
)
# ib_core and the rest of drivers/infiniband/core are built too, since
# ib_uverbs is linked against them, but they are not kept: the series
# leaves them as they are, and the stock ones stay in use.
#
# Refused:
#  - before anything is built, headers of another Debian version than
#    linux-source-6.12: the series would be applied to other code than
#    the kernel runs;
#  - after the build, before anything is kept, a module whose exported
#    symbols do not keep the CRCs in the headers' Module.symvers
#    (MODVERSIONS): every stock module that imports one of them would be
#    refused with "disagrees about version of symbol".
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC_TAR=/usr/src/linux-source-6.12.tar.xz
SRC_PKG=linux-source-6.12
JOBS=${JOBS:-$(nproc)}

kver=$(uname -r)
out=$PWD/built
patches=$HERE/../patches
kdir=
while getopts k:b:o:p:h opt; do
	case $opt in
	k) kver=$OPTARG ;;
	b) kdir=$OPTARG ;;
	o) out=$OPTARG ;;
	p) patches=$OPTARG ;;
	*) sed -n '4,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done

say() { echo "doorbell-modules: $*" >&2; }
die() { echo "doorbell-modules: error: $*" >&2; exit 1; }

kdir=${kdir:-/lib/modules/$kver/build}
[ -r "$kdir/Makefile" ] ||
	die "no headers for $kver: install linux-headers-$kver"
[ -r "$SRC_TAR" ] || die "$SRC_TAR missing: install $SRC_PKG"
[ -d "$patches" ] || die "no patch series at $patches"

# " Debian 6.12.118-1~deb12u1" -> 6.12.118-1~deb12u1
hdr_version=$(sed -n 's/^#define LINUX_PACKAGE_ID " Debian \(.*\)"$/\1/p' \
	"$kdir/include/generated/package.h" 2>/dev/null) ||
	true
[ -n "$hdr_version" ] ||
	die "$kver is not a Debian kernel (no Debian package id in its headers)"
src_version=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null) ||
	die "$SRC_PKG is not installed"
if [ "$hdr_version" != "$src_version" ]; then
	# 6.12.117+deb12-amd64 -> 6.12.118+deb12-amd64
	src_kver=${kver/#${hdr_version%%-*}/${src_version%%-*}}
	die "$kver is Debian $hdr_version, but $SRC_PKG is $src_version;" \
		"the series must patch the source the kernel was built from:" \
		"install $SRC_PKG=$hdr_version, or boot linux-image-$src_kver" \
		"with linux-headers-$src_kver installed"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/doorbell-modules.XXXXXX")
[ -n "${DOORBELL_KEEP_WORK:-}" ] || trap 'rm -rf "$work"' EXIT
src=$work/src
mkdir -p "$src"

say "extracting $SRC_PKG $src_version"
# mm/gup.c and iommufd are patched but not built: the first is in the
# kernel image, and Debian's configuration leaves iommufd out.  They are
# extracted so that every patch of the series applies as it is.
tar -C "$src" --strip-components=1 -xf "$SRC_TAR" \
	linux-source-6.12/MAINTAINERS linux-source-6.12/include \
	linux-source-6.12/drivers/pci linux-source-6.12/drivers/vfio \
	linux-source-6.12/drivers/infiniband linux-source-6.12/mm/gup.c \
	linux-source-6.12/drivers/iommu/iommufd

say "applying $(ls "$patches"/*.patch | wc -l) patches"
for p in "$patches"/*.patch; do
	patch -d "$src" -p1 -s -N <"$p" >&2 ||
		die "$(basename "$p") does not apply to $SRC_PKG $src_version"
done

# The headers the series changes, ahead of the kernel's own on the
# include path.  The rest of the kernel's headers are used as they are.
mkdir -p "$work/include"
for h in $(sed -n 's|^+++ b/include/||p' "$patches"/*.patch | sort -u); do
	mkdir -p "$work/include/$(dirname "$h")"
	cp "$src/include/$h" "$work/include/$h"
done

# Kconfig symbols the series adds: as the VM kernel's build sets them,
# but the mapper, which that kernel builds in, as the module it must be
# in a kernel that was built without it.
new_config=(CONFIG_VFIO_PCI_DMABUF=y CONFIG_PCI_P2PDMA_MMIO=m)

cat >"$src/Kbuild" <<'KBUILD'
obj-m += drivers/pci/ drivers/vfio/ drivers/infiniband/core/ drivers/infiniband/sw/rxe/
KBUILD
# drivers/pci/Makefile builds the PCI core, which is the kernel's own: of
# it, only the mapper module's lines, as they are.  A Kbuild file takes
# precedence over the Makefile beside it.
sed -n '/CONFIG_PCI_P2PDMA_MMIO/,/^endif/p' "$src/drivers/pci/Makefile" \
	>"$src/drivers/pci/Kbuild"
grep -q pci-p2pdma-mmio "$src/drivers/pci/Kbuild" ||
	die "drivers/pci/Makefile does not build the mapper module"
# Trace headers include themselves relative to an include directory two
# levels below the tree (TRACE_INCLUDE_PATH ../../drivers/...).
mkdir -p "$src/.trace/include"
kcflags="-I$src/.trace/include"
for c in "${new_config[@]}"; do
	case $c in
	*=m) kcflags+=" -D${c%%=*}_MODULE=1" ;;
	*) kcflags+=" -D${c%%=*}=1" ;;
	esac
done

say "building against $kdir ($JOBS jobs)"
make -s -C "$kdir" M="$src" -j"$JOBS" "${new_config[@]}" \
	NOSTDINC_FLAGS="-I$work/include" KCFLAGS="$kcflags" modules >&2 ||
	die "build failed"

# Every symbol the stock kernel exports from a module we replace must
# keep its CRC.
for m in "${MODULES[@]}"; do
	[ -r "$src/$m.ko" ] || die "$m.ko was not built"
done
awk -F'\t' -v mods="${MODULES[*]}" '
	# Module.symvers of an M= build names modules by their path in M.
	{ sub(/.*\/drivers\//, "drivers/", $3) }
	BEGIN { n = split(mods, list, " "); for (i = 1; i <= n; i++) keep[list[i]] = 1 }
	FNR == NR { if ($3 in keep) mine[$2 "\t" $3] = $1; next }
	!($3 in keep) { next }
	!(($2 "\t" $3) in mine) { printf "%s no longer exports %s\n", $3, $2; bad = 1; next }
	mine[$2 "\t" $3] != $1 { printf "%s changes the CRC of %s (%s -> %s)\n", $3, $2, $1, mine[$2 "\t" $3]; bad = 1 }
	{ checked++ }
	END { if (!bad) printf "%d exported symbols keep their CRCs\n", checked; exit bad }
' "$src/Module.symvers" "$kdir/Module.symvers" | sed 's/^/doorbell-modules: /' >&2 ||
	die "stock modules that import these symbols would be refused"

mkdir -p "$out"
# Without their debug info, as Debian ships its modules.
for m in "${MODULES[@]}"; do
	"${STRIP:-strip}" --strip-debug -o "$out/$(basename "$m").ko" "$src/$m.ko"
done
cp -r "$work/include" "$src/Module.symvers" "$out/"
say "built ${#MODULES[@]} modules for $kver into $out"
