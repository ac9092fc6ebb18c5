#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo command: installs packages, builds, boots the test VM and shows
# what it found: the IOMMU, the NVMe controller bound to vfio-pci with its
# BARs, the ivshmem device and two ACTIVE Soft-RoCE peers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash buildlib/setup-debian.sh
cmake -S . -B build -G Ninja -DDOORBELL_VM_TESTS=ON
cmake --build build --target kernel-vm vfio-dmabuf
DOORBELL_BUILD=$PWD/build exec tests/vm/vmrun --name demo -- tests/vm/demo.sh
