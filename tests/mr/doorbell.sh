#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A remote rxe peer rings the NVMe admin SQ tail doorbell with one RDMA
# WRITE into the dma-buf MR of the doorbell page; the controller fetches
# and completes an Identify only then, and QEMU's trace of the
# controller's registers shows one 4-byte store.
. tests/vm/lib/all.sh

rxe_two_peers
rxe_use_dbrxe_only
nvme=$(vfio_bind "$NVME_ID") || exit 1
[ -e "$VM_SHARE/qemu-trace.log" ] || fail "no QEMU trace (vmrun --qemu-trace)"
"$(build_tool doorbell_test)" rxea "$RXE_A_GID" rxeb "$RXE_B_GID" \
	"$nvme" "$VM_SHARE/qemu-trace.log"
