#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export BAR ranges of a vfio-bound NVMe controller and ivshmem device as
# dma-bufs: sizes, flags, lifetimes, and 31 malformed requests with their
# exact errnos.
. tests/vm/lib/all.sh

nvme=$(vfio_bind "$NVME_ID") || exit 1
shm=$(vfio_bind "$IVSHMEM_ID") || exit 1
testdev=$(vfio_bind "$TESTDEV_ID") || exit 1
"$(build_tool export_test)" "$nvme" "$shm" "$testdev"
