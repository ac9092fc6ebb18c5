#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/selftests/vfio/vfio_pci_dmabuf_test: upstream's answers to
# VFIO_DEVICE_FEATURE_DMA_BUF, kselftest harness and TAP output, against
# the NVMe controller bound to vfio-pci.
. tests/vm/lib/all.sh

nvme=$(vfio_bind "$NVME_ID") || exit 1
out=$("$(build_tool vfio_pci_dmabuf_test)" "$nvme" 2>&1)
rc=$?
echo "$out"
echo "$out" | grep -q "^# Totals: pass:[1-9]" || fail "no TAP totals"
exit $rc
