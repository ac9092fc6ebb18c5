#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT [MODULES]: pack a busybox initramfs whose /init
# mounts the host root over 9p and chroots into it (see tests/vm/init).
# For a kernel that builds 9p and overlayfs as modules (Debian's), give
# its module tree, lib/modules/<release>: the modules the root mount
# needs go into the initramfs, in load order, for /init to insmod.
set -euo pipefail
out=${1:?usage: mkinitramfs.sh OUT [MODULES]}
modules=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
readelf -l "$busybox" 2>/dev/null | grep -q "Requesting program interpreter" &&
	{ echo "mkinitramfs: $busybox is not static (install busybox-static)" >&2; exit 1; }
# What mounting a 9p root under an overlay takes, dependencies first.
BOOT_MODULES=(netfs 9pnet 9pnet_virtio 9p overlay)

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging"/{bin,dev,proc,sys}
cp "$busybox" "$staging/bin/busybox"
install -m 0755 "$here/init" "$staging/init"
if [ -n "$modules" ]; then
	mkdir -p "$staging/modules"
	for m in "${BOOT_MODULES[@]}"; do
		ko=$(find "$modules/kernel" -name "$m.ko*" | head -n1)
		[ -n "$ko" ] || { echo "mkinitramfs: no $m module in $modules" >&2; exit 1; }
		case $ko in
		*.xz) xz -dc "$ko" >"$staging/modules/$m.ko" ;;
		*) cp "$ko" "$staging/modules/$m.ko" ;;
		esac
		echo "$m" >>"$staging/modules/order"
	done
fi
# Sessions that boot at once may both find the image stale: each writes
# a file of its own and renames it into place, so that none boots half
# of one.
tmp=$(mktemp "$out.XXXXXX")
(cd "$staging" && find . | cpio -o -H newc --quiet) | gzip -9 >"$tmp"
chmod 644 "$tmp"
mv "$tmp" "$out"
