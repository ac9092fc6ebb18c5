# SPDX-License-Identifier: GPL-2.0
#
# Linux's own NVMe-oF path inside the test VM, the benchmark's baseline:
# an NVMe controller on the kernel's nvme driver, exported by nvmet-rdma
# on rxeb and connected with nvme-rdma from rxea.  The PCI driver is a
# module (kernel/config/vm.config), so it drives only the controller
# named here.

NVMET_NQN=nqn.2026-12.invalid.doorbell:kernel-baseline
NVMET_CFG=/sys/kernel/config/nvmet
NVMET_PORT_ID=1
NVMET_SVC=4420

# nvme_block_of NQN: the block device of the namespace that a controller
# of subsystem NQN shows, once there is one (up to 30 s: the driver probes
# asynchronously).
nvme_block_of() {
	local b nqn i
	for ((i = 0; i < 300; i++)); do
		for b in /sys/block/nvme*; do
			[ -r "$b/device/subsysnqn" ] || continue
			read -r nqn <"$b/device/subsysnqn"
			[ "$nqn" = "$1" ] && [ -b "/dev/${b##*/}" ] &&
				{ echo "/dev/${b##*/}"; return 0; }
		done
		sleep 0.1
	done
	return 1
}

# nvme_kernel_bind BDF: load the nvme module with the bus's autoprobe off,
# so that it takes no controller by itself, and bind it to BDF alone.
# Echoes the namespace's block device.
nvme_kernel_bind() {
	local dev=/sys/bus/pci/devices/$1 nqn
	echo 0 >/sys/bus/pci/drivers_autoprobe
	insmod "$DOORBELL_KMOD/nvme.ko"
	local rc=$?
	echo 1 >/sys/bus/pci/drivers_autoprobe
	[ "$rc" -eq 0 ] || fail "insmod nvme.ko"
	pci_bind "$1" nvme
	local i
	for ((i = 0; i < 300; i++)); do
		nqn=$(cat "$dev"/nvme/nvme*/subsysnqn 2>/dev/null) && break
		sleep 0.1
	done
	[ -n "$nqn" ] || fail "no NVMe controller under $1"
	nvme_block_of "$nqn" || fail "no namespace of $nqn under $1"
}

# nvmet_export BLOCK ADDR: export BLOCK as namespace 1 of NVMET_NQN, to
# any host, on an RDMA port at ADDR.
nvmet_export() {
	local sub=$NVMET_CFG/subsystems/$NVMET_NQN port=$NVMET_CFG/ports/$NVMET_PORT_ID
	mountpoint -q /sys/kernel/config ||
		mount -t configfs none /sys/kernel/config || fail "mount configfs"
	mkdir "$sub" "$sub/namespaces/1" "$port" || fail "nvmet configfs"
	echo 1 >"$sub/attr_allow_any_host"
	echo "$1" >"$sub/namespaces/1/device_path"
	echo 1 >"$sub/namespaces/1/enable" || fail "nvmet: enabling $1"
	echo rdma >"$port/addr_trtype"
	echo ipv4 >"$port/addr_adrfam"
	echo "$2" >"$port/addr_traddr"
	echo "$NVMET_SVC" >"$port/addr_trsvcid"
	ln -s "$sub" "$port/subsystems/$NVMET_NQN" || fail "nvmet: port $2"
}

# nvme_rdma_connect ADDR SOURCE: connect nvme-rdma from SOURCE to the
# export at ADDR, with one I/O queue.  Echoes the namespace's block device.
nvme_rdma_connect() {
	local opts="transport=rdma,traddr=$1,trsvcid=$NVMET_SVC"
	opts+=",host_traddr=$2,nqn=$NVMET_NQN,nr_io_queues=1"
	echo "$opts" >/dev/nvme-fabrics || fail "nvme-rdma: connect to $1"
	nvme_block_of "$NVMET_NQN" || fail "nvme-rdma: no namespace of $NVMET_NQN"
}

# nvmet_undo: disconnect, unexport, and give the controller back to no
# driver, unloading nvme.  Safe to run whatever was set up.
nvmet_undo() {
	local c nqn sub=$NVMET_CFG/subsystems/$NVMET_NQN port=$NVMET_CFG/ports/$NVMET_PORT_ID
	for c in /sys/class/nvme/nvme*; do
		[ -r "$c/subsysnqn" ] || continue
		read -r nqn <"$c/subsysnqn"
		[ "$nqn" = "$NVMET_NQN" ] && echo 1 >"$c/delete_controller"
	done
	if [ -d "$port" ]; then
		rm -f "$port/subsystems/$NVMET_NQN"
		rmdir "$port"
	fi
	if [ -d "$sub" ]; then
		[ -d "$sub/namespaces/1" ] && rmdir "$sub/namespaces/1"
		rmdir "$sub"
	fi
	mountpoint -q /sys/kernel/config && umount /sys/kernel/config
	# The module first: released with it loaded, a controller would go
	# straight back to it.
	[ -d /sys/module/nvme ] && rmmod nvme
	pci_release_all nvme
}
