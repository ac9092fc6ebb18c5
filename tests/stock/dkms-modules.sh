#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# On Debian's own kernel with the doorbell-dkms package installed by
# dpkg (tests/vm/guest-run.sh, doorbell.dkms=): DKMS lists the package as
# installed for the running kernel, its modules are in updates/dkms,
# modprobe picks them, and every stock module of the image that depends
# on one of ours loads on top of them.  A module whose exported symbols
# changed type would be refused ("disagrees about version of symbol"),
# since the image was built with MODVERSIONS.  Loading needs no hardware.
. tests/vm/lib/all.sh

release=$(uname -r)
lib=/lib/modules/$release
case $release in
*+deb12-amd64) ;;
*) fail "not Debian's kernel: $release (vmrun --variant debian-dkms)" ;;
esac

status=$(dkms status -m doorbell -k "$release" 2>&1) || true
log "dkms status: $status"
[[ $status == "doorbell/"*", $release, $(uname -m): installed" ]] || {
	cat /run/dkms-install.log >&2 2>/dev/null
	fail "dkms does not list doorbell as installed for $release"
}

ours=()
for ko in "$lib"/updates/dkms/*.ko*; do
	name=${ko##*/}
	ours+=("${name%%.ko*}")
done
expect_eq "modules in updates/dkms" "${#ours[@]}" 6
for m in "${ours[@]}"; do
	path=$(modinfo -n "$m") || fail "modinfo $m"
	[[ $path == "$lib/updates/dkms/$m.ko"* ]] ||
		fail "modprobe would load $m from $path, not updates/dkms"
done
log "ok: modprobe resolves ${ours[*]} to updates/dkms"

# The stock modules whose dependencies name one of ours, as depmod
# resolved them.
stock=()
while IFS= read -r line; do
	mod=${line%%:*}
	deps=${line#*:}
	[[ $mod == updates/dkms/* ]] && continue
	[[ $deps == *updates/dkms/* ]] || continue
	name=${mod##*/}
	stock+=("${name%%.ko*}")
done <"$lib/modules.dep"
[ "${#stock[@]}" -ge 10 ] ||
	fail "only ${#stock[@]} stock modules depend on ours: ${stock[*]}"
log "${#stock[@]} stock modules depend on ours"
# And the users of ib_core that storage and verbs users load with them.
for m in rdma_cm rdma_ucm ib_ipoib nvme-rdma nvmet-rdma rpcrdma; do
	[[ " ${stock[*]} " == *" $m "* ]] || stock+=("$m")
done

declare -gA before=()
while read -r m _; do before[$m]=1; done </proc/modules
# new_modules: the names of the modules loaded since the test began.
new_modules() {
	local m
	while read -r m _; do
		[ -n "$m" ] && [ -z "${before[$m]:-}" ] && echo "$m"
	done </proc/modules
}
unload_new() {
	local pass new
	# Dependents go first; a few passes free the whole stack.
	for pass in 1 2 3 4 5 6; do
		mapfile -t new < <(new_modules)
		[ "${#new[@]}" = 0 ] && return 0
		rmmod "${new[@]}" 2>/dev/null
	done
	fail "modules left loaded: ${new[*]}"
}
on_exit unload_new

dmesg -C
failed=()
for m in "${ours[@]}" "${stock[@]}"; do
	modprobe "$m" 2>/dev/null || failed+=("$m")
done
refused=$(dmesg | grep -E 'disagrees about version of symbol|Unknown symbol|exports duplicate symbol')
[ -z "$refused" ] || fail "refused: $refused"
[ "${#failed[@]}" = 0 ] || fail "modprobe failed: ${failed[*]} ($(dmesg | tail -5))"
for m in "${ours[@]}"; do
	m=${m//-/_}
	[ -d "/sys/module/$m" ] || fail "$m is not loaded"
	# Ours are out of tree: taint O.
	[[ $(</sys/module/"$m"/taint) == *O* ]] || fail "$m is the stock module"
done
log "ok: ${#stock[@]} stock modules loaded on top of ours: ${stock[*]}"
log "taint: $(</proc/sys/kernel/tainted), $(grep -c . /proc/modules) modules loaded"
