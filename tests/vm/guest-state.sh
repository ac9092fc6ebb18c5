# SPDX-License-Identifier: GPL-2.0
#
# What a test in a session VM must leave as it found it, so that the next
# test starts from a fresh boot's state: the RDMA devices, network links,
# routing rules and the sysctls rxe set-ups change, PCI driver bindings,
# loaded modules and the verbs provider files.  Sourced by guest-run.sh.
#
# Under TCG every fork and exec costs a tenth of a second or more, so
# this reads sysfs and procfs with shell builtins, not with tools.

# vm_state: one line per fact; two calls compare equal when nothing changed.
vm_state() {
	local f v drv dev name rest
	for f in /sys/class/infiniband/*; do
		[ -e "$f" ] && echo "rdma: ${f##*/}"
	done
	for f in /sys/class/net/*; do
		echo "link: ${f##*/}"
	done
	ip rule show | while IFS= read -r v; do echo "rule: $v"; done
	read -r v </proc/sys/net/ipv4/conf/all/accept_local
	echo "sysctl: accept_local $v"
	read -r v </proc/sys/net/ipv4/conf/all/rp_filter
	echo "sysctl: rp_filter $v"
	for drv in /sys/bus/pci/drivers/*; do
		for dev in "$drv"/0000:*; do
			[ -e "$dev" ] && echo "pci: ${dev##*/} driver=${drv##*/}"
		done
	done
	for dev in /sys/bus/pci/devices/*; do
		read -r v <"$dev/driver_override"
		[ "$v" = "(null)" ] || echo "pci: ${dev##*/} override=$v"
	done
	while read -r name rest; do
		echo "module: $name"
	done </proc/modules
	for f in /etc/libibverbs.d/*; do
		echo "verbs: ${f##*/}"
	done
}

# vm_state_reset BEFORE: undo, by force, what a test left behind, after
# it has been failed for it.  The undo that each helper of tests/vm/lib
# owns runs first, as when a test exits; then links and modules that the
# state BEFORE (a file of vm_state) did not have are removed.
vm_state_reset() {
	local before=$1 f name
	(
		# shellcheck source=tests/vm/lib/all.sh
		. "$DOORBELL_SRC/tests/vm/lib/all.sh"
		trap - EXIT
		vm_undo_setup
	) >/dev/null 2>&1
	for f in /sys/class/net/*; do
		name=${f##*/}
		grep -qx "link: $name" "$before" || ip link delete "$name"
	done 2>/dev/null
	while read -r name _; do
		grep -qx "module: $name" "$before" || rmmod "$name"
	done </proc/modules 2>/dev/null
}
