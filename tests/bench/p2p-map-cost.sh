#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark: the kernel memory and time it takes to make a 64 GiB BAR
# (ivshmem on a sparse file) and a single 4 KiB page (the NVMe doorbell
# page) reachable by a peer: dma-buf export without struct pages, against
# ZONE_DEVICE p2pdma.  Run with: vmrun --cpu EPYC --mem 3G --ivshmem 64G.
# The table is kept as map_cost.txt in the run directory.
. tests/vm/lib/all.sh

insmod "$DOORBELL_KMOD/dmabuf_importer.ko" || fail "insmod dmabuf_importer"
nvme=$(vfio_bind "$NVME_ID") || exit 1
shm=$(vfio_bind "$IVSHMEM_ID") || exit 1
client=$(pci_find 1af4:1000) || fail "no virtio-net device"
"$(build_tool map_cost)" "$shm" 2 "$nvme" 0 0x1000 "$client" |
	tee "$VM_OUT/map_cost.txt"
rc=${PIPESTATUS[0]}
# ZONE_DEVICE pages go away with the driver binding.
vfio_unbind "$shm"
vfio_unbind "$nvme"
exit "$rc"
