#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM's chroot (the host root with a tmpfs overlay).
#
# A vmrun boot runs the one command in /vmshare/cmd and leaves behind:
#   /vmshare/out.log   the test's stdout and stderr
#   /vmshare/dmesg.log the kernel log at the end of the run
#   /vmshare/status    the test's exit status (written last)
#
# A vmsession boot (/vmshare/session exists) says so in /vmshare/ready and
# then runs tests one after another.  The host queues a test by creating
# /vmshare/jobs/NAME/cmd and then writing NAME into /vmshare/next; the
# test's out.log, dmesg.log (the kernel log when it ended), start (uptime
# when it began) and status land in /vmshare/jobs/NAME; a number in its
# timeout file bounds it (status 124 when it ran out).  Each test must leave the VM as it found it
# (guest-state.sh); one that does not fails, and the VM is put back.
# /vmshare/stop ends the session.
#
# Either way the last step is a kmemleak scan on kernels that have one,
# then a reboot, which ends QEMU (-no-reboot).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# /tmp stays the host's, seen through the overlay: the source tree may
# live there.  Writes land in the overlay's tmpfs, never on the host.
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ln -sf /proc/self/fd /dev/fd
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo vmtest >/proc/sys/kernel/hostname
ip link set lo up

# shellcheck source=/dev/null
. /vmshare/env
here=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=tests/vm/guest-state.sh
. "$here/guest-state.sh"

# centis UPTIME: /proc/uptime's seconds (two decimals) in hundredths.
centis() {
	local t=${1/./}
	echo $((10#$t))
}

# run_job OUT CMDFILE: run the command line in CMDFILE from the source
# tree, in a process group of its own (timeout's) so that nothing it
# started outlives it; its output and status go to OUT.  Under TCG each
# exec costs a tenth of a second, and on the debug kernel more: the
# harness's own steps are builtins where they can be.
run_job() {
	local out=$1 cmdfile=$2 rc start end pid after limit=0
	[ -s "$out/timeout" ] && read -r limit <"$out/timeout"
	read -r start _ </proc/uptime
	echo "$start" >"$out/start"
	(
		export VM_OUT=$out
		cd "$DOORBELL_SRC" || {
			echo "guest: source tree $DOORBELL_SRC is not visible in the VM"
			exit 1
		}
		# A limit of 0 is none.
		exec timeout -k 5 "$limit" bash -c "$(<"$cmdfile")"
	) >"$out/out.log" 2>&1 </dev/null &
	pid=$!
	wait "$pid"
	rc=$?
	kill -KILL -- "-$pid" 2>/dev/null
	read -r end _ </proc/uptime
	end=$(($(centis "$end") - $(centis "$start")))
	printf 'guest: test exited %d after %d.%02d s\n' "$rc" $((end / 100)) \
		$((end % 100)) >>"$out/out.log"
	if [ -e /run/state.before ]; then
		after=$(vm_state)
		if [ "$after" != "$(</run/state.before)" ]; then
			echo "$after" >/run/state.after
			{
				echo "guest: the test did not leave the VM as it found it" \
					"(< before, > after):"
				diff /run/state.before /run/state.after | grep '^[<>]'
			} >>"$out/out.log"
			[ "$rc" -eq 0 ] && rc=1
			vm_state_reset /run/state.before
		fi
	fi
	[ "$out" = /vmshare ] || dmesg >"$out/dmesg.log"
	echo "$rc" >"$out/status"
	return "$rc"
}

# kmemleak only reports after a scan, and only objects older than 5 s;
# wait that long so a leak from the last test's final seconds counts too.
kmemleak_scan() {
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >/vmshare/kmemleak.log
}

finish() {
	kmemleak_scan
	dmesg >/vmshare/dmesg.log
	echo "$1" >/vmshare/status
	sync
	/bin/busybox reboot -f
}

# doorbell.dkms=DIR: the DKMS tree that installed the series' modules
# into this kernel's module tree (tests/vm/debian-dkms.sh), in place of
# /var/lib/dkms, so that dkms answers as on the host that installed them.
#
# doorbell.modprobe=A,B,...: what a kernel with a modular vfio and RDMA
# stack loads at boot, as modules-load.d does on a host.
for arg in $(</proc/cmdline); do
	case $arg in
	doorbell.dkms=*)
		mkdir -p /var/lib/dkms
		mount --bind "${arg#doorbell.dkms=}" /var/lib/dkms ||
			echo "guest: cannot bind ${arg#doorbell.dkms=} over /var/lib/dkms"
		;;
	doorbell.modprobe=*)
		arg=${arg#doorbell.modprobe=}
		modprobe -a ${arg//,/ } || echo "guest: modprobe ${arg//,/ } failed"
		;;
	esac
done

if [ ! -e /vmshare/session ]; then
	run_job /vmshare /vmshare/cmd
	finish $?
fi

vm_state >/run/state.before
cp /run/state.before /vmshare/baseline
# A pipe nobody writes: read -t on it sleeps without an exec.
mkfifo /run/idle
exec 8<>/run/idle
echo ready >/vmshare/ready
while [ ! -e /vmshare/stop ]; do
	if [ ! -s /vmshare/next ]; then
		read -r -t 0.2 -u 8
		continue
	fi
	name=$(cat /vmshare/next)
	rm -f /vmshare/next
	run_job "/vmshare/jobs/$name" "/vmshare/jobs/$name/cmd"
done
finish 0
