#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the demo shows inside the VM.
. tests/vm/lib/all.sh
set -e

echo "== kernel"
uname -r
dmesg | grep -E "DMAR: IOMMU enabled|IRQ remapping" || true

echo "== PCI devices and their IOMMU groups"
for d in /sys/bus/pci/devices/*; do
	printf '%s  group %-3s %s\n' "${d##*/}" \
		"$(basename "$(readlink "$d/iommu_group")")" \
		"$(lspci -s "${d##*/}" | cut -d' ' -f2-)"
done

echo "== NVMe controller bound to vfio-pci"
bdf=$(vfio_bind "$NVME_ID")
"$(build_tool vfio-dmabuf)" bars "$bdf"
echo "CAP = $("$(build_tool vfio-dmabuf)" read "$bdf" 0 0 8)"

echo "== Soft-RoCE peers"
rxe_two_peers
ibv_devices
rdma link show
