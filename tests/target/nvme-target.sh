#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# doorbell-target on rxeb's address serves the VM's NVMe controller;
# target_test connects from rxea's: data integrity against the backing
# file, queue wrap-around, several initiators, isolation, bad inputs.
# The target must refuse a controller it cannot own, and stop cleanly.
# Then the same target in isolated mode on the two controllers of the
# VM's subsystem: integrity and wrap-around again, and dma_attack_test's
# crafted PRPs, which the IOMMU must stop (on the normal kernel).
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
	"not bound to vfio-pci" --device "$(pci_resolve "$NVME_ID")"
# Pure user space (an argument's syntax): the normal kernel's run checks it.
debug_kernel ||
	expect_refusal "a device name that is no PCI address" \
		"not a PCI address" --device nvme0
nvme=$(vfio_bind "$NVME_ID") || exit 1
# A wrong address is refused before the controller is opened and reset:
# verbose, the target would name the controller's admin queue.
out=$(timeout 30 "$target" --verbose --device "$nvme" --bind 10.99.99.99 2>&1)
grep -q "no interface of this host has that address" <<<"$out" &&
	! grep -q "admin SQ" <<<"$out" ||
	fail "a bind address this host lacks: '$out'"
log "ok: a bind address this host lacks is refused before the controller is touched"
target_start "$nvme" "$RXE_B_IP"
expect_refusal "a second target on the same controller" \
	"Device or resource busy" --device "$nvme" --bind "$RXE_B_IP" --port 4792
# Against a cold neighbour table the first connection still succeeds,
# well within the initiator's 5 s timeout.  Neighbour resolution is
# neither the series' code nor the target's, and the debug kernel's
# seconds go to what is: the normal kernel's run checks it.
if ! debug_kernel; then
	rxe_forget_neighbours
	start=$(date +%s%N)
	expect_ok "the first connection on a cold neighbour table" \
		"$(build_tool doorbell-initiator)" --source "$RXE_A_IP" \
		"$RXE_B_IP" info
	log "ok: it took $((($(date +%s%N) - start) / 1000000)) ms"
	rxe_pin_neighbours
fi
# The debug kernel (KASAN, lockdep) runs the checks that take distinct
# kernel paths (target_test --kernel-paths), with an eighth of the
# commands; the normal kernel runs them all.
extents=40
subset=()
debug_kernel && extents=5 subset=(--kernel-paths)
rc=0
"$(build_tool target_test)" "${subset[@]}" "$RXE_B_IP" "$RXE_A_IP" \
	"$VM_SHARE/nvme.img" "$VM_SHARE/qemu-trace.log" "$extents" || rc=1
target_stop
[ "$rc" -eq 0 ] || fail "target_test (shared mode)"
target_log | grep -q "mode: shared" || fail "no shared mode in the start-up lines"
# Isolated mode takes the same kernel paths on other controllers (their
# dma-bufs, MRs and windows): it tests the target's user space and the
# IOMMU, so the debug kernel leaves it to the normal one.
debug_kernel && exit 0

# Isolated mode: a controller per initiator, each in its own IOMMU group
# with a namespace of its own.
iso_a=$(vfio_bind "$ISO_A_BDF") || exit 1
iso_b=$(vfio_bind "$ISO_B_BDF") || exit 1
group() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
[ "$(group "$iso_a")" != "$(group "$iso_b")" ] ||
	fail "$iso_a and $iso_b share IOMMU group $(group "$iso_a")"
log "ok: $iso_a in IOMMU group $(group "$iso_a"), $iso_b in $(group "$iso_b")"
faults_before=$(dmesg | grep -c "DMAR: \[DMA")
# A log of its own: dma_attack_test reads the queues' IOVAs from it.
TARGET_LOG=/tmp/doorbell-target-isolated.log
rm -f "$TARGET_LOG"
target_start "$iso_a" "$RXE_B_IP" --device "$iso_b" --verbose
target_log | grep -q "mode: isolated, one initiator per controller, 2 controllers" ||
	fail "no isolated mode in the start-up lines"
"$(build_tool target_test)" --isolated "$RXE_B_IP" "$RXE_A_IP" \
	"$VM_SHARE/iso-ns%u.img" "$VM_SHARE/qemu-trace.log" "$extents" || rc=1
"$(build_tool dma_attack_test)" "$RXE_B_IP" "$RXE_A_IP" \
	"$VM_SHARE/iso-ns%u.img" "$TARGET_LOG" "$VM_SHARE/qemu-trace.log" || rc=1
target_stop
[ "$rc" -eq 0 ] || fail "isolated mode"
faults=$(($(dmesg | grep -c "DMAR: \[DMA") - faults_before))
# The kernel logs the faults (as many as its rate limit lets through),
# and nothing worse: the session's splat check covers that.
[ "$faults" -gt 0 ] || fail "the kernel logged no IOMMU fault for the attacks"
log "ok: the kernel logged $faults IOMMU faults, the last: $(dmesg | grep "DMAR: \[DMA" | tail -n1)"
