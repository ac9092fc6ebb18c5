#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo command: installs packages, builds, boots the test VM, and
# there serves its NVMe controller with doorbell-target to an initiator
# on the other Soft-RoCE peer: blocks written one-sided and checked in
# the host's backing file, then ib_doorbell_lat's tables.
set -euo pipefail
cd "$(dirname "$0")/.."
bash buildlib/setup-debian.sh
cmake -S . -B build -G Ninja -DDOORBELL_VM_TESTS=ON
cmake --build build --target kernel-vm vfio-dmabuf dbrxe doorbell-target \
	doorbell-initiator-cli ib_doorbell_lat
DOORBELL_BUILD=$PWD/build exec tests/vm/vmrun --name demo -- tests/demo/demo.sh
