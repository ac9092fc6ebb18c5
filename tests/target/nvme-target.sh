#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# doorbell-target on rxeb's address serves the VM's NVMe controller;
# target_test connects from rxea's: data integrity against the backing
# file, queue wrap-around, several initiators, isolation, bad inputs.
# The target must then stop cleanly, leaving no queue behind.
. tests/vm/lib/all.sh

rxe_two_peers
rxe_use_dbrxe_only
nvme=$(vfio_bind "$NVME_ID") || exit 1
[ -e "$VM_SHARE/qemu-trace.log" ] || fail "no QEMU trace (vmrun --qemu-trace)"
target_start "$nvme" "$RXE_B_IP"
"$(build_tool target_test)" "$RXE_B_IP" "$RXE_A_IP" "$VM_SHARE/nvme.img" \
	"$VM_SHARE/qemu-trace.log"
rc=$?
target_stop
exit "$rc"
