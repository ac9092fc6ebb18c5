#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Revocation under load: a remote rxe peer streams RDMA WRITEs into a
# dma-buf MR while the target turns memory decode off, resets the device
# or closes it.  The initiator sees a remote access error, the kernel log
# stays clean (the harness checks it), and a new registration works.
# 34000 writes before each of the three revocations: over 10^5 per run.
# The debug kernel (KASAN, lockdep) carries 100 to 200 writes a second
# here, so it takes 1000 before each (and 500 after): the same races,
# with 48 writes in flight at each revocation, in a fraction of the time.
. tests/vm/lib/all.sh

writes=34000
debug_kernel && writes=1000

rxe_two_peers
rxe_use_dbrxe_only
nvme=$(vfio_bind "$NVME_ID") || exit 1
shm=$(vfio_bind "$IVSHMEM_ID") || exit 1
# The sessions trace the NVMe controller's register writes (vmrun
# --qemu-trace); the reset case counts them.
trace=()
[ -e "$VM_SHARE/qemu-trace.log" ] && trace=("$VM_SHARE/qemu-trace.log")
"$(build_tool revoke_load_test)" rxea "$RXE_A_GID" rxeb "$RXE_B_GID" \
	"$shm" "$VM_SHARE/ivshmem.bin" "$nvme" "${REVOKE_WRITES:-$writes}" \
	"${trace[@]}"
