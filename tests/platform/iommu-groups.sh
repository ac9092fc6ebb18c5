#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vIOMMU is on, remaps interrupts, and puts each PCI device of interest
# in an IOMMU group of its own.
. tests/vm/lib/all.sh

dmesg | grep -q "DMAR: IOMMU enabled" || fail "intel_iommu is not enabled"
dmesg | grep -q "Enabled IRQ remapping" || fail "IRQ remapping is off"
log "ok: DMAR with IRQ remapping"

groups=$(ls /sys/kernel/iommu_groups | wc -l)
[ "$groups" -gt 0 ] || fail "no IOMMU groups"
log "ok: $groups IOMMU groups"

nvme=$(pci_find "$NVME_ID") || fail "no NVMe controller"
shm=$(pci_find "$IVSHMEM_ID") || fail "no ivshmem device"
g_nvme=$(basename "$(readlink /sys/bus/pci/devices/$nvme/iommu_group)")
g_shm=$(basename "$(readlink /sys/bus/pci/devices/$shm/iommu_group)")
[ -n "$g_nvme" ] && [ -n "$g_shm" ] || fail "device without IOMMU group"
[ "$g_nvme" != "$g_shm" ] || fail "nvme and ivshmem share group $g_nvme"
expect_eq "devices in nvme's group" "$(ls /sys/kernel/iommu_groups/$g_nvme/devices)" "$nvme"
log "ok: nvme $nvme in group $g_nvme, ivshmem $shm in group $g_shm"
