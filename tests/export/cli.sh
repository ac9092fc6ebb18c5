#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vfio-dmabuf CLI on the NVMe and ivshmem devices: what can be
# exported, exporting it, and the errors a user meets.
. tests/vm/lib/all.sh
tool=$(build_tool vfio-dmabuf)

nvme=$(vfio_bind "$NVME_ID") || exit 1
shm=$(vfio_bind "$IVSHMEM_ID") || exit 1

out=$("$tool" exportable "$nvme") || fail "exportable $nvme"
echo "$out"
# BAR0 is 16 KiB with the MSI-X table at 0x2000 and the PBA at 0x3000.
expect_eq "nvme exportable ranges" "$out" "BAR0 0 0x2000"
out=$("$tool" exportable "$shm") || fail "exportable $shm"
echo "$out"
expect_eq "ivshmem exportable ranges" "$out" "BAR2 0 0x400000"

out=$("$tool" doorbells "$nvme") || fail "doorbells"
echo "$out"
echo "$out" | grep -q "doorbells at BAR0 0x1000, stride 4 bytes" ||
	fail "doorbell location"

out=$("$tool" export "$nvme" 0 0x1000 0x1000) || fail "export doorbell page"
expect_eq "export" "$out" "BAR0 [0x1000, +0x1000): dma-buf of 4096 bytes"

# check_error ARGS... -- MESSAGE: the export fails with exit 1 and says why.
check_error() {
	local args=() out rc
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	out=$("$tool" export "${args[@]}" 2>&1)
	rc=$?
	expect_eq "exit of export ${args[*]}" "$rc" 1
	echo "$out" | grep -q "$1" || fail "export ${args[*]}: '$out'"
}
# The MSI-X page exports, as upstream's does.
out=$("$tool" export "$nvme" 0 0x2000 0x1000) || fail "export the MSI-X page"
expect_eq "export MSI-X page" "$out" "BAR0 [0x2000, +0x1000): dma-buf of 4096 bytes"
check_error "$nvme" 0 0x1800 0x1000 -- "not page-aligned"
check_error "$nvme" 3 0 0x1000 -- "not implemented by the device"
check_error "$nvme" 6 0 0x1000 -- "no such BAR"
check_error "$shm" 2 0xfffffffffffff000 0x2000 -- "overflows"
"$tool" export "$nvme" 0 x 1 2>&1 | grep -q "invalid offset 'x'" ||
	fail "bad number not reported"
