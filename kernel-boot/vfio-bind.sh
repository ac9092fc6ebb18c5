#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vfio-bind BDF: hand the PCI function at BDF to vfio-pci, whatever
# driver holds it now (nvme, say).  vfio-bind --release BDF: give it back
# to the driver the kernel would choose for it.  doorbell-target@.service
# runs both around the target.
#
# driver_override makes the choice stick for this function only: a new_id
# on vfio-pci would take every device of the same vendor and device ID.
set -eu

prog=vfio-bind
die() {
	echo "$prog: $*" >&2
	exit 1
}

release=
if [ "${1:-}" = --release ]; then
	release=1
	shift
fi
[ $# -eq 1 ] || die "usage: $prog [--release] BDF"
bdf=$1
case $bdf in
*:*:*.*) ;;
*:*.*) bdf=0000:$bdf ;;
*) die "'$bdf' is not a PCI address (dddd:bb:dd.f)" ;;
esac
dev=/sys/bus/pci/devices/$bdf
[ -e "$dev" ] || die "no PCI device $bdf"

if [ -n "$release" ]; then
	if [ -e "$dev/driver" ]; then
		echo "$bdf" >"$dev/driver/unbind"
	fi
	echo >"$dev/driver_override"
	# No driver may want it; that is not an error.
	echo "$bdf" >/sys/bus/pci/drivers_probe 2>/dev/null || true
	exit 0
fi

[ -e /sys/bus/pci/drivers/vfio-pci ] || modprobe vfio-pci ||
	die "vfio-pci is not loaded and modprobe failed"
if [ -e /sys/bus/pci/drivers/vfio-pci/"$bdf" ]; then
	exit 0
fi
echo vfio-pci >"$dev/driver_override"
if [ -e "$dev/driver" ]; then
	echo "$bdf" >"$dev/driver/unbind"
fi
echo "$bdf" >/sys/bus/pci/drivers_probe 2>/dev/null || true
[ -e /sys/bus/pci/drivers/vfio-pci/"$bdf" ] ||
	die "$bdf did not bind to vfio-pci (no IOMMU group? see dmesg)"
