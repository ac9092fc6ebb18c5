#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# On Debian's own kernel, which has no vfio dma-buf export
# (VFIO_DEVICE_FEATURE_DMA_BUF came with 6.19; the series adds it):
# the CLI and doorbell-target say what the kernel lacks, the target at
# start-up rather than at an initiator's first connection, and both
# leave the controller as they found it.
. tests/vm/lib/all.sh

case $(uname -r) in
*+deb12-amd64) ;;
*) fail "not Debian's kernel: $(uname -r) (vmrun --variant debian)" ;;
esac
modprobe vfio-pci || fail "modprobe vfio-pci"
nvme=$(vfio_bind "$NVME_ID") || exit 1
tool=$(build_tool vfio-dmabuf)
target=$(build_tool doorbell-target)

for cmd in "exportable $nvme" "export $nvme 0 0x1000 0x1000"; do
	# shellcheck disable=SC2086
	out=$("$tool" $cmd 2>&1)
	expect_eq "exit of vfio-dmabuf $cmd" "$?" 1
	grep -q "this kernel has no vfio dma-buf export" <<<"$out" ||
		fail "vfio-dmabuf $cmd: '$out'"
	log "ok: vfio-dmabuf $cmd: $out"
done

# Twice: the first refusal must leave the controller free for the next.
for run in 1 2; do
	out=$(timeout 60 "$target" --device "$nvme" 2>&1)
	expect_eq "exit of target run $run" "$?" 1
	grep -q "$nvme: kernel lacks VFIO_DEVICE_FEATURE_DMA_BUF" <<<"$out" ||
		fail "target run $run: '$out'"
	grep -q "listening" <<<"$out" && fail "target run $run listened: '$out'"
done
log "ok: the target refuses at start-up: $(grep lacks <<<"$out")"
[ "$(basename "$(readlink "/sys/bus/pci/devices/$nvme/driver")")" = vfio-pci ] ||
	fail "$nvme left vfio-pci"
