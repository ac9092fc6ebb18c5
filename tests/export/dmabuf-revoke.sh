#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Revocation seen by a real dynamic importer (tests/kmod): memory decode
# off and on, VFIO_DEVICE_RESET, FLR through config space, device close.
# With an AMD CPU model the importer's maps go through the host bridge;
# with QEMU's default model the mapper must refuse them.
. tests/vm/lib/all.sh

insmod "$DOORBELL_KMOD/dmabuf_importer.ko" || fail "insmod dmabuf_importer"
nvme=$(vfio_bind "$NVME_ID") || exit 1
shm=$(vfio_bind "$IVSHMEM_ID") || exit 1
# The importing device: virtio-net, left with no driver's DMA in flight.
client=$(pci_find 1af4:1000) || fail "no virtio-net device"
# The p2pdma rules let AMD Zen (family 0x17) and newer route through the
# host bridge; QEMU's default model is an older AMD family, refused.
p2p=0
family=$(awk -F': ' '/^cpu family/ { print $2; exit }' /proc/cpuinfo)
grep -q AuthenticAMD /proc/cpuinfo && [ "$family" -ge 23 ] && p2p=1
SLOW_MS=400	# revoke_test.c's SLOW_MS
log "importer maps for $client; P2P through the host bridge expected: $p2p"
"$(build_tool revoke_test)" "$nvme" "$shm" "$client" "$VM_SHARE/ivshmem.bin" "$p2p"
rc=$?
if [ "$p2p" = 0 ]; then
	# The refusals must come from the topology check, not elsewhere,
	# and more than a thousand of them leave one line per device pair.
	refusals=$(dmesg | grep -c "cannot be used for peer-to-peer DMA")
	pairs=$(dmesg | grep "cannot be used for peer-to-peer DMA" |
		sed 's/.*provider (\([^)]*\)).*/\1/' | sort -u | wc -l)
	[ "$refusals" -ge 1 ] ||
		fail "maps were refused, but not by the p2p distance rules"
	[ "$refusals" -le "$pairs" ] ||
		fail "the mapper logged $refusals refusals for $pairs device pairs"
	log "ok: the mapper refused: no whitelisted host bridge;" \
		"$refusals log line(s) for $pairs pair(s)"
else
	# The slow importer's unmap comes before each revoke returns.
	for what in "VFIO_DEVICE_RESET" "closing the device"; do
		order=$(dmesg | sed -n "/mark: $what.*slow importer/,/mark: \(VFIO_DEVICE_RESET returned\|device closed\)/p")
		echo "$order" | grep -q "dmabuf_importer: .*unmapped $SLOW_MS ms" ||
			fail "$what returned before the slow importer unmapped"
	done
	log "ok: reset and close waited for the slow importer (kernel log order)"
fi
rmmod dmabuf_importer || fail "rmmod dmabuf_importer"
exit $rc
