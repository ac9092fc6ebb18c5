#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT: pack a busybox initramfs whose /init mounts the
# host root over 9p and chroots into it (see tests/vm/init).
set -euo pipefail
out=${1:?usage: mkinitramfs.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
readelf -l "$busybox" 2>/dev/null | grep -q "Requesting program interpreter" &&
	{ echo "mkinitramfs: $busybox is not static (install busybox-static)" >&2; exit 1; }

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging"/{bin,dev,proc,sys}
cp "$busybox" "$staging/bin/busybox"
install -m 0755 "$here/init" "$staging/init"
(cd "$staging" && find . | cpio -o -H newc --quiet) | gzip -9 >"$out.tmp"
mv "$out.tmp" "$out"
