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
	# VM and in-VM tools (the guest runs the host root over 9p)
	qemu-system-x86 busybox-static iproute2 pciutils
	rdma-core ibverbs-providers ibverbs-utils perftest rdmacm-utils
)

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-debian: must run as root (apt-get install)" >&2
	exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "setup-debian: all ${#PACKAGES[@]} packages present"
	exit 0
fi

echo "setup-debian: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
