#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-image.sh: Debian's own kernel image for the test VM, the one
# users run: linux-image-<abi>-unsigned of the same version as the
# linux-source-6.12 our series applies to.  The package is fetched with
# apt-get download, never installed on the host: tests/vm/debian-package.sh
# unpacks it under $DOORBELL_CACHE/debian, keyed by its version, and
# depmod is run on its modules.  The guest binds that module tree over /lib/modules/<abi>
# (tests/vm/init).
#
# The last line on stdout is the path of the vmlinuz; the modules are
# under lib/modules/<abi> beside its boot/ directory.  Progress and
# errors go to stderr.
set -euo pipefail

SRC_PKG=linux-source-6.12

say() { echo "debian-image: $*" >&2; }
die() { echo "debian-image: error: $*" >&2; exit 1; }

version=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null) ||
	die "$SRC_PKG is not installed (buildlib/setup-debian.sh installs it)"
. "$(dirname "$0")/../../buildlib/debian-abi.sh"
abi=$(debian_abi)
pkg=linux-image-$abi-unsigned

dir=$("$(dirname "$0")/debian-package.sh" "$pkg" "$version" | tail -n1)
vmlinuz=$dir/boot/vmlinuz-$abi
[ -r "$vmlinuz" ] || die "$pkg has no vmlinuz-$abi"
# Once per unpacked image: its modules' dependency files.
if [ ! -e "$dir/lib/modules/$abi/modules.dep" ]; then
	say "running depmod"
	depmod -b "$dir" "$abi"
fi
echo "$vmlinuz"
