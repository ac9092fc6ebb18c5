#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian 12 package the build, the VM and the tests need.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

PACKAGES=(
	# user space build
	build-essential cmake ninja-build pkg-config pandoc git
	libibverbs-dev librdmacm-dev libcmocka-dev
	# kernel build
	linux-source-6.12 xz-utils flex bison bc libelf-dev libssl-dev
	cpio kmod perl python3 python3-ply python3-git
	# packages (buildlib/build-debs.sh) and their DKMS build; the
	# Debian kernel's headers are unpacked, not installed
	# (tests/vm/debian-headers.sh), so their kbuild's needs are here
	debhelper dh-dkms dkms lintian pahole
	# systemd.pc for the units' directory; systemd-analyze verifies them
	systemd
	# VM and in-VM tools (the guest runs the host root over 9p)
	qemu-system-x86 busybox-static iproute2 pciutils
	rdma-core ibverbs-providers ibverbs-utils perftest rdmacm-utils
	# the benchmark's kernel NVMe-oF baseline and its floor
	fio
)

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-debian: must run as root (apt-get install)" >&2
	exit 1
fi

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

export DEBIAN_FRONTEND=noninteractive
updated=
install() {
	echo "setup-debian: installing $*"
	[ -n "$updated" ] || apt-get update -q
	updated=1
	apt-get install -y -q --no-install-recommends "$@"
}

missing=()
for p in "${PACKAGES[@]}"; do
	installed "$p" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	echo "setup-debian: all ${#PACKAGES[@]} packages present"
else
	install "${missing[@]}"
fi

