#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the demo shows inside the VM: the NVMe controller handed to
# doorbell-target through vfio-pci, an initiator on the other Soft-RoCE
# peer writing and reading blocks one-sided (verified in the host's
# backing file of the namespace), and ib_doorbell_lat's tables.
. tests/vm/lib/all.sh
set -e

echo "== kernel and IOMMU"
uname -r
dmesg | grep -E "DMAR: IOMMU enabled|IRQ remapping" || true

echo "== NVMe controller bound to vfio-pci"
bdf=$(vfio_bind "$NVME_ID")
"$(build_tool vfio-dmabuf)" bars "$bdf"

echo "== Soft-RoCE peers: rxea $RXE_A_IP (initiator), rxeb $RXE_B_IP (target)"
rxe_two_peers
rxe_use_dbrxe_only
rdma link show

echo "== doorbell-target on rxeb"
target_start "$bdf" "$RXE_B_IP"
cat "$TARGET_LOG"

cli=$(build_tool doorbell-initiator)
echo "== the initiator on rxea: the queue it was given"
"$cli" -S "$RXE_A_IP" "$RXE_B_IP" info

echo "== write 64 KiB at LBA 2048 one-sided: data, SQE and doorbell by RDMA WRITE"
head -c 65536 /dev/urandom >/tmp/demo.in
"$cli" -S "$RXE_A_IP" "$RXE_B_IP" write 2048 /tmp/demo.in
"$cli" -S "$RXE_A_IP" "$RXE_B_IP" read 2048 128 /tmp/demo.out
cmp /tmp/demo.in /tmp/demo.out || fail "the blocks read back differ"
echo "read back: the same 65536 bytes"
dd if="$VM_SHARE/nvme.img" of=/tmp/demo.backing bs=512 skip=2048 count=128 \
	status=none
cmp /tmp/demo.in /tmp/demo.backing ||
	fail "the host's backing file does not hold the blocks"
echo "the host's backing file of the namespace holds them at byte $((2048 * 512))"

# Shorter still when the run asks for quick benchmarks (CI's test
# command): the tables are the same, their figures the bench tier's.
iters=$(bench_size 100 500)
echo "== ib_doorbell_lat, short: $iters per mode (the benchmark runs 2000)"
"$(build_tool ib_doorbell_lat)" -S "$RXE_A_IP" -n "$iters" \
	-r "$(bench_size 2 5)" "$RXE_B_IP"

target_stop >/dev/null
echo "== doorbell-target stopped cleanly"
