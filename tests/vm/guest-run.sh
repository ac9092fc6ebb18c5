#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM's chroot (the host root with a tmpfs overlay).  Reads
# the test command from /vmshare, runs it, and leaves behind for the host:
#   /vmshare/out.log   the test's stdout and stderr
#   /vmshare/dmesg.log the kernel log at the end of the run
#   /vmshare/status    the test's exit status (written last)
# then reboots, which ends QEMU (-no-reboot).
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
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname vmtest
ip link set lo up

# shellcheck source=/dev/null
. /vmshare/env
finish() {
	dmesg >/vmshare/dmesg.log
	echo "$1" >/vmshare/status
	sync
	/bin/busybox reboot -f
}

if ! cd "$DOORBELL_SRC"; then
	echo "guest: source tree $DOORBELL_SRC is not visible in the VM" >/vmshare/out.log
	finish 1
fi

start=$(date +%s.%N)
bash -c "$(cat /vmshare/cmd)" >/vmshare/out.log 2>&1 </dev/null
rc=$?
end=$(date +%s.%N)
echo "guest: test exited $rc after $(echo "$end - $start" | bc) s" >>/vmshare/out.log

# kmemleak only reports after a scan, and only objects older than 5 s;
# wait that long so a leak from the test's last seconds counts too.
if [ -w /sys/kernel/debug/kmemleak ]; then
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >/vmshare/kmemleak.log
fi
finish "$rc"
