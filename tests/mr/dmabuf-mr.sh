#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ibv_reg_dmabuf_mr over an ivshmem BAR, written by a remote rxe peer:
# the data path checked in QEMU's backing file of the BAR, through vfio
# and by RDMA READ; memory windows and atomics; the bad inputs.  Only our
# provider serves the rxe devices.
. tests/vm/lib/all.sh

rxe_two_peers
rxe_use_dbrxe_only
nvme=$(vfio_bind "$NVME_ID") || exit 1
shm=$(vfio_bind "$IVSHMEM_ID") || exit 1
"$(build_tool mr_test)" rxea "$RXE_A_GID" rxeb "$RXE_B_GID" \
	"$shm" "$VM_SHARE/ivshmem.bin" "$nvme"
