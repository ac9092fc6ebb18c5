# SPDX-License-Identifier: GPL-2.0
#
# Bind PCI devices to vfio-pci (or another driver) and back, inside the
# test VM.

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

# pci_bind BDF DRIVER: bind the device to DRIVER and no other, through
# its driver_override, taking it from the driver it had.
pci_bind() {
	local dev=/sys/bus/pci/devices/$1
	echo "$2" >"$dev/driver_override"
	[ -e "$dev/driver" ] && echo "$1" >"$dev/driver/unbind"
	echo "$1" >/sys/bus/pci/drivers_probe
	[ -e /sys/bus/pci/drivers/"$2"/"$1" ] || fail "$1 did not bind to $2"
}

# pci_release BDF: unbind the device, clear its override and let the bus
# probe it again (its own driver, if loaded, takes it back).
pci_release() {
	local dev=/sys/bus/pci/devices/$1
	[ -e "$dev/driver" ] && echo "$1" >"$dev/driver/unbind"
	echo >"$dev/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe 2>/dev/null || true
}

# pci_release_all DRIVER: pci_release every device whose override names
# DRIVER.  Builtins only: it runs after every test.
pci_release_all() {
	local d o
	for d in /sys/bus/pci/devices/*; do
		read -r o <"$d/driver_override"
		[ "$o" = "$1" ] && pci_release "${d##*/}"
	done
	return 0
}

# vfio_bind ID: bind the device to vfio-pci; prints its BDF.  The IOMMU
# group node /dev/vfio/N must appear.
vfio_bind() {
	local bdf dev group
	bdf=$(pci_resolve "$1") || return 1
	dev=/sys/bus/pci/devices/$bdf
	pci_bind "$bdf" vfio-pci
	group=$(readlink "$dev/iommu_group")
	group=${group##*/}
	[ -c "/dev/vfio/$group" ] || fail "/dev/vfio/$group missing for $bdf"
	echo "$bdf"
}

# vfio_unbind BDF: release the device from vfio-pci and clear the override.
vfio_unbind() { pci_release "$1"; }

# vfio_undo: every device a test bound to vfio-pci goes back to its own
# driver (or none).
vfio_undo() { pci_release_all vfio-pci; }

# The devices the harness gives every VM.
NVME_ID=1b36:0010
# The subsystem's two controllers with private namespaces (qemu.sh).
ISO_A_BDF=0000:00:10.0
ISO_B_BDF=0000:00:11.0
IVSHMEM_ID=1af4:1110
TESTDEV_ID=1b36:0005	# QEMU pci-testdev: 4 KiB memory BAR0, I/O BAR1
