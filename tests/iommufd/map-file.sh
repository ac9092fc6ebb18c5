#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IOMMU_IOAS_MAP_FILE with a real DMA engine: the NVMe controller reads
# into and writes from ivshmem's BAR2 through one iommufd IOAS, and the
# bytes are looked for in the host's backing files (map_file_test.c).
# Then a memfd mapped twice under vfio's per-process accounting, by a
# process without CAP_IPC_LOCK, leaves its mmap_lock as it found it
# (mm_accounting_test.c).
. tests/vm/lib/all.sh

insmod "$DOORBELL_KMOD/dmabuf_importer.ko" || fail "insmod dmabuf_importer"
nvme=$(vfio_bind "$NVME_ID") || exit 1
shm=$(vfio_bind "$IVSHMEM_ID") || exit 1

# The CLI: two ranges of BAR2, out of order, one after the other in IOVA.
out=$("$(build_tool vfio-dmabuf)" map "$shm" 2 0x300000 0x3000 0x100000 0x2000) ||
	fail "vfio-dmabuf map: $out"
echo "$out"
iova=$(sed -n 's/^dma-buf of 20480 bytes at IOVA \(0x[0-9a-f]*\)-.*/\1/p' <<<"$out")
[ -n "$iova" ] || fail "vfio-dmabuf map printed no IOVA"
expect_eq "second range's IOVA" \
	"$(sed -n 's/^BAR2 \[0x100000, +0x2000) at IOVA //p' <<<"$out")" \
	"$(printf '%#x' $((iova + 0x3000)))"

faults_before=$(dmesg | grep -c "DMAR: \[DMA")
"$(build_tool map_file_test)" "$nvme" "$shm" "$VM_SHARE/ivshmem.bin" \
	"$VM_SHARE/nvme.img" "$VM_SHARE/qemu-trace.log"
rc=$?
# The Reads that failed were stopped by the IOMMU, which says so.
faults=$(($(dmesg | grep -c "DMAR: \[DMA") - faults_before))
log "IOMMU faults logged while the test ran: $faults"
dmesg | grep "DMAR: \[DMA" | tail -n 3
rmmod dmabuf_importer || fail "rmmod dmabuf_importer"
"$(build_tool mm_accounting_test)" "$shm" || rc=1
exit $rc
