#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The project's Debian packages installed into the guest's root, as a
# host would get them: the demo runs from installed paths only, in a
# login shell that has no variable set by hand, the target through its
# unit's own command lines, and the Soft-RoCE devices through theirs.
# Then purge leaves nothing behind.
. tests/vm/lib/all.sh

debs=$DOORBELL_BUILD/debs
pkgs=(libdoorbell-vfio-pci0 libdoorbell-vfio-pci-dev libdoorbell-initiator0
	libdoorbell-initiator-dev ibverbs-providers-dbrxe doorbell-target
	doorbell-tools)
units=/lib/systemd/system
dbrxe=/usr/lib/x86_64-linux-gnu/libibverbs/libdbrxe

# What a purge must give back: every path below these, as before install.
# The guest's root is the host's under an overlay, so the paths it added
# or removed are what the overlay's upper layer holds (tests/vm/init
# shows both layers), read at a fraction of the cost of walking these
# trees over 9p.
watch=(/etc /lib/systemd /usr/bin /usr/sbin /usr/include /usr/libexec
	/usr/src /usr/lib/environment.d /usr/lib/modules-load.d
	/usr/lib/x86_64-linux-gnu /usr/share/man/man1 /usr/share/man/man3
	/usr/share/man/man7 /usr/share/man/man8 /usr/share/doc /var/lib/systemd)
layers=/mnt/doorbell-overlay
snapshot() {
	/usr/bin/python3 tests/packages/root-changes.py \
		"$layers/upper" "$layers/lower" "${watch[@]}" ||
		fail "cannot read the root's changes"
}

# as_user CMD: CMD in a login shell with a clean environment, as a user
# on the host would type it: a new account's home, from /etc/skel.  (The
# test machine's own /root has start-up files of its own, which cost
# seconds per shell under TCG and are no part of what a user gets.)
user_home=$(mktemp -d /tmp/home.XXXXXX)
on_exit rm -rf "$user_home"
cp -a /etc/skel/. "$user_home/"
as_user() { env -i HOME="$user_home" LANG=C.UTF-8 TERM=dumb bash -l -c "$1"; }

files=()
for p in "${pkgs[@]}"; do
	f=$(echo "$debs/${p}_"*_amd64.deb)
	[ -f "$f" ] || fail "no $p package in $debs"
	files+=("$f")
done
snapshot >/tmp/pkgs.before
# Every path the packages bring that the system lacks now: purge must
# remove each of them, wherever it is.
for f in "${files[@]}"; do
	dpkg-deb --fsys-tarfile "$f" | tar -t
done | sed 's|^\./|/|; s|/$||' | LC_ALL=C sort -u |
	while IFS= read -r path; do
		[ -z "$path" ] || [ -e "$path" ] || [ -L "$path" ] || echo "$path"
	done >/tmp/pkgs.new
[ -s /tmp/pkgs.new ] || fail "the packages bring no path the system lacks"
# The manual's index is not under test, and mandb takes over a minute
# per trigger under TCG: leave it as dpkg found it, without updating it.
if [ -e /var/lib/man-db/auto-update ]; then
	rm /var/lib/man-db/auto-update
	on_exit touch /var/lib/man-db/auto-update
fi
# A failed step still leaves the VM as it was for the next test.
purge_quietly() { dpkg --purge "${pkgs[@]}" >/dev/null 2>&1; }
on_exit purge_quietly
on_exit dpkg-divert --quiet --rename --remove /etc/libibverbs.d/rxe.driver
log "dpkg -i ${files[*]##*/}"
dpkg -i "${files[@]}" >"$VM_OUT/dpkg.log" 2>&1 || {
	cat "$VM_OUT/dpkg.log"
	fail "dpkg -i"
}
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p")
	expect_eq "$p" "$st" "install ok installed"
done
log "ok: ${#pkgs[@]} packages installed"
# The purge check below is only as good as the view of the root's
# changes: that view must show what the install brought.
snapshot >/tmp/pkgs.installed
for path in /usr/sbin/doorbell-target /usr/share/doc/doorbell-target; do
	grep -qx "new $path" /tmp/pkgs.installed ||
		fail "the root's changes do not show the installed $path"
done

# The units, as systemd would load them for an instance, with their
# commands and man pages present.
bdf=$(pci_resolve "$NVME_ID")
systemd-analyze verify \
	"$units/doorbell-target@.service:doorbell-target@$bdf.service" \
	"$units/doorbell-rxe@.service:doorbell-rxe@vb.service" ||
	fail "systemd-analyze verify"
log "ok: systemd-analyze verify doorbell-target@$bdf doorbell-rxe@vb"
/lib/systemd/systemd-modules-load || fail "systemd-modules-load"
for m in vfio_pci rdma_rxe; do
	[ -d /sys/module/$m ] || fail "$m not loaded by modules-load.d"
done
log "ok: modules-load.d/doorbell.conf: vfio-pci and rdma_rxe present"

# The user's environment: installed paths only, dbrxe from profile.d.
# One login shell answers both: under TCG each costs seconds.
user_env=$(as_user 'echo "$RDMAV_DRIVERS"
	command -v vfio-dmabuf doorbell-initiator doorbell-target | xargs')
expect_eq "login shell's RDMAV_DRIVERS" "$(sed -n 1p <<<"$user_env")" "$dbrxe"
expect_eq "login shell's tools" "$(sed -n 2p <<<"$user_env")" \
	"/usr/bin/vfio-dmabuf /usr/bin/doorbell-initiator /usr/sbin/doorbell-target"

# Soft-RoCE through doorbell-rxe@.service, on the veth pair.
rxe_veth_pair
for dev in va vb; do
	unit_exec "$units/doorbell-rxe@.service" $dev ExecStart ||
		fail "doorbell-rxe@$dev ExecStart"
	rxe_wait_active rxe_$dev
done
log "ok: doorbell-rxe@va and @vb made rxe_va and rxe_vb"

# dbrxe serves rxe devices from profile.d alone, with both driver files
# away, and from its driver file alone with librxe's diverted.
put_drivers_back() { mv /tmp/away/*.driver /etc/libibverbs.d/ 2>/dev/null; }
mkdir -p /tmp/away
on_exit put_drivers_back
mv /etc/libibverbs.d/rxe.driver /etc/libibverbs.d/dbrxe.driver /tmp/away/
as_user 'ibv_devinfo -d rxe_va' | grep -q PORT_ACTIVE ||
	fail "profile.d's RDMAV_DRIVERS did not select the installed dbrxe"
mv /tmp/away/rxe.driver /tmp/away/dbrxe.driver /etc/libibverbs.d/
dpkg-divert --quiet --rename --divert /etc/librxe.driver.diverted \
	--add /etc/libibverbs.d/rxe.driver || fail "dpkg-divert"
env -i ibv_devinfo -d rxe_va | grep -q PORT_ACTIVE ||
	fail "the installed dbrxe.driver does not serve rxe_va"
dpkg-divert --quiet --rename --remove /etc/libibverbs.d/rxe.driver ||
	fail "dpkg-divert --remove"
log "ok: dbrxe selected by profile.d, and by its driver file with librxe diverted"

# The target through doorbell-target@.service, listening on rxe_vb.
echo "DOORBELL_TARGET_OPTS=\"--bind $RXE_B_IP\"" >>/etc/default/doorbell-target
unit=$units/doorbell-target@.service
unit_exec "$unit" "$bdf" ExecStartPre || fail "ExecStartPre"
[ -e "/sys/bus/pci/drivers/vfio-pci/$bdf" ] || fail "$bdf not on vfio-pci"
as_user "vfio-dmabuf doorbells $bdf" || fail "vfio-dmabuf doorbells"
unit_exec "$unit" "$bdf" ExecStart "&" >/tmp/unit-target.log 2>&1
for ((i = 0; i < 300; i++)); do
	grep -q "listening on" /tmp/unit-target.log && break
	kill -0 "$UNIT_PID" 2>/dev/null || break
	sleep 0.1
done
grep "listening on" /tmp/unit-target.log || {
	cat /tmp/unit-target.log
	fail "the unit's target did not start"
}
grep -q "RDMAV_DRIVERS=$dbrxe" "/proc/$UNIT_PID/environ" ||
	fail "the unit's target runs without dbrxe selected"

# The demo's data path, from the installed tools.
head -c 65536 /dev/urandom >/tmp/pkg.in
as_user "doorbell-initiator -S $RXE_A_IP $RXE_B_IP write 2048 /tmp/pkg.in &&
	doorbell-initiator -S $RXE_A_IP $RXE_B_IP read 2048 128 /tmp/pkg.out" ||
	fail "doorbell-initiator"
cmp /tmp/pkg.in /tmp/pkg.out || fail "the blocks read back differ"
dd if="$VM_SHARE/nvme.img" of=/tmp/pkg.backing bs=512 skip=2048 count=128 \
	status=none
cmp /tmp/pkg.in /tmp/pkg.backing || fail "the backing file lacks the blocks"
log "ok: 64 KiB written one-sided and read back, found in the backing file"
# The installed benchmark runs every mode of its tables; the figures are
# the bench tier's, so one short round does.
as_user "ib_doorbell_lat -S $RXE_A_IP -n 50 -r 1 $RXE_B_IP" ||
	fail "ib_doorbell_lat"

kill -TERM "$UNIT_PID"
wait "$UNIT_PID"
expect_eq "exit of the unit's target" "$?" 0
grep -q "stopped$" /tmp/unit-target.log || fail "the target did not stop cleanly"
unit_exec "$unit" "$bdf" ExecStopPost || fail "ExecStopPost"
[ -e "/sys/bus/pci/drivers/vfio-pci/$bdf" ] && fail "$bdf still on vfio-pci"
expect_eq "driver_override of $bdf" "$(<"/sys/bus/pci/devices/$bdf/driver_override")" "(null)"
for dev in va vb; do
	unit_exec "$units/doorbell-rxe@.service" $dev ExecStop ||
		fail "doorbell-rxe@$dev ExecStop"
	[ -e /sys/class/infiniband/rxe_$dev ] && fail "rxe_$dev left behind"
done
log "ok: stopped: $bdf released, rxe_va and rxe_vb deleted"

# Purge gives the system back as it was.
dpkg --purge "${pkgs[@]}" >/tmp/dpkg.log 2>&1 || {
	cat /tmp/dpkg.log
	fail "dpkg --purge"
}
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed &&
		fail "$p still installed"
done
while IFS= read -r f; do
	[ -e "$f" ] || [ -L "$f" ] && fail "left behind: $f"
done </tmp/pkgs.new
snapshot >/tmp/pkgs.after
diff /tmp/pkgs.before /tmp/pkgs.after || fail "purge did not restore the tree"
log "ok: purged: the $(wc -l </tmp/pkgs.new) paths the packages brought are gone"
