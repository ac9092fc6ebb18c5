# SPDX-License-Identifier: GPL-2.0
#
# Bind PCI devices to vfio-pci and back, inside the test VM.

# pci_find VENDOR:DEVICE: print the BDF of the first matching device.
# Builtins only: under TCG each exec costs a tenth of a second or more.
pci_find() {
	local want=$1 d v id
	for d in /sys/bus/pci/devices/*; do
		read -r v <"$d/vendor"
		read -r id <"$d/device"
		if [ "$v:$id" = "0x${want%%:*}:0x${want##*:}" ]; then
			echo "${d##*/}"
			return 0
		fi
	done
	return 1
}

# pci_resolve ID: ID is a BDF or VENDOR:DEVICE; print the BDF.
pci_resolve() {
	if [ -e "/sys/bus/pci/devices/$1" ]; then
		echo "$1"
	else
		pci_find "$1" || fail "no PCI device '$1'"
	fi
}

# vfio_bind ID: bind the device to vfio-pci; prints its BDF.  The IOMMU
# group node /dev/vfio/N must appear.
vfio_bind() {
	local bdf dev group
	bdf=$(pci_resolve "$1") || return 1
	dev=/sys/bus/pci/devices/$bdf
	echo vfio-pci >"$dev/driver_override"
	[ -e "$dev/driver" ] && echo "$bdf" >"$dev/driver/unbind"
	echo "$bdf" >/sys/bus/pci/drivers_probe
	[ -e /sys/bus/pci/drivers/vfio-pci/"$bdf" ] ||
		fail "$bdf did not bind to vfio-pci"
	group=$(readlink "$dev/iommu_group")
	group=${group##*/}
	[ -c "/dev/vfio/$group" ] || fail "/dev/vfio/$group missing for $bdf"
	echo "$bdf"
}

# vfio_unbind BDF: release the device from vfio-pci and clear the override.
vfio_unbind() {
	local dev=/sys/bus/pci/devices/$1
	[ -e "$dev/driver" ] && echo "$1" >"$dev/driver/unbind"
	echo >"$dev/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe 2>/dev/null || true
}

# vfio_undo: every device a test bound to vfio-pci goes back to its own
# driver (or none).  Builtins only: it runs after every test.
vfio_undo() {
	local d o
	for d in /sys/bus/pci/devices/*; do
		read -r o <"$d/driver_override"
		[ "$o" = vfio-pci ] && vfio_unbind "${d##*/}"
	done
	return 0
}

# The devices the harness gives every VM.
NVME_ID=1b36:0010
# The subsystem's two controllers with private namespaces (qemu.sh).
ISO_A_BDF=0000:00:10.0
ISO_B_BDF=0000:00:11.0
IVSHMEM_ID=1af4:1110
TESTDEV_ID=1b36:0005	# QEMU pci-testdev: 4 KiB memory BAR0, I/O BAR1
