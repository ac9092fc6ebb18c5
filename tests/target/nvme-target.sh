#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# doorbell-target on rxeb's address serves the VM's NVMe controller;
# target_test connects from rxea's: data integrity against the backing
# file, queue wrap-around, several initiators, isolation, bad inputs.
# The target must refuse a controller it cannot own, and stop cleanly.
. tests/vm/lib/all.sh

rxe_two_peers
rxe_use_dbrxe_only
[ -e "$VM_SHARE/qemu-trace.log" ] || fail "no QEMU trace (vmrun --qemu-trace)"
target=$(build_tool doorbell-target)

# expect_refusal WHAT MESSAGE ARGS...: the target exits 1 or 2, saying so.
expect_refusal() {
	local what=$1 want=$2 out rc
	shift 2
	out=$(timeout 30 "$target" "$@" 2>&1)
	rc=$?
	if ! { [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; } ||
	   ! grep -q "$want" <<<"$out"; then
		fail "$what: exit $rc, '$out'"
	fi
	log "ok: $what: $(tail -n1 <<<"$out")"
}

expect_refusal "the controller still bound to the nvme driver" \
	"No such device or address" --device "$(pci_resolve "$NVME_ID")"
expect_refusal "a device name that is no PCI address" "not a PCI address" \
	--device nvme0
nvme=$(vfio_bind "$NVME_ID") || exit 1
target_start "$nvme" "$RXE_B_IP"
expect_refusal "a second target on the same controller" \
	"Device or resource busy" --device "$nvme" --bind "$RXE_B_IP" --port 4792
# Against a cold neighbour table the first connection still succeeds,
# well within the initiator's 5 s timeout.
rxe_forget_neighbours
start=$(date +%s%N)
expect_ok "the first connection on a cold neighbour table" \
	"$(build_tool doorbell-initiator)" --source "$RXE_A_IP" "$RXE_B_IP" info
log "ok: it took $((($(date +%s%N) - start) / 1000000)) ms"
rxe_pin_neighbours
# The debug kernel (KASAN, lockdep) runs every check and path with a
# quarter of the commands.
extents=40
debug_kernel && extents=10
"$(build_tool target_test)" "$RXE_B_IP" "$RXE_A_IP" "$VM_SHARE/nvme.img" \
	"$VM_SHARE/qemu-trace.log" "$extents"
rc=$?
target_stop
exit "$rc"
