#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The target VM's side of tests/target/faults.sh, run by busybox nc for
# each connection from the initiator VM: one command in, one line out.
#   restart   kill -9 the target, start it again       -> ok
#   reset     SIGUSR1: reset the controllers under it   -> ok
#   isolate   stop the target, start it in isolated mode on the
#             subsystem's two controllers               -> ok
#   sessions  how many initiators it holds now          -> N
#   finish    let the target VM finish                  -> ok
. tests/vm/lib/all.sh
# shellcheck source=/dev/null
. /tmp/fault-env

read -r cmd
case "$cmd" in
restart)
	pid=$(cat /tmp/target.pid)
	kill -KILL "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	echo "==== killed with SIGKILL" >>"$TARGET_LOG"
	read -r -a devices </tmp/target-devices
	target_start "${devices[0]}" "$TARGET_IP" "${devices[@]:1}" >/dev/null
	echo "$TARGET_PID" >/tmp/target.pid
	echo ok
	;;
isolate)
	pid=$(cat /tmp/target.pid)
	kill -TERM "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	echo "==== restarted in isolated mode" >>"$TARGET_LOG"
	a=$(vfio_bind "$ISO_A_BDF") && b=$(vfio_bind "$ISO_B_BDF") ||
		{ echo "cannot bind the subsystem's controllers"; exit 0; }
	echo "$a --device $b" >/tmp/target-devices
	target_start "$a" "$TARGET_IP" --device "$b" >/dev/null
	echo "$TARGET_PID" >/tmp/target.pid
	echo ok
	;;
reset)
	n=$(grep -c "controller ready again" "$TARGET_LOG")
	kill -USR1 "$(cat /tmp/target.pid)"
	for _ in $(seq 200); do
		[ "$(grep -c "controller ready again" "$TARGET_LOG")" -gt "$n" ] &&
			break
		sleep 0.1
	done
	echo ok
	;;
sessions)
	# Since the last (re)start: sessions begun less those ended.
	awk '/==== / { n = 0 }
	     /session on I\/O queue/ { n++ }
	     /left$|dropping I\/O queue|resetting the controller/ {
		if ($0 ~ /resetting/) n = 0; else n-- }
	     END { print n }' "$TARGET_LOG"
	;;
finish)
	touch /tmp/fault-done
	echo ok
	;;
*)
	echo "unknown command '$cmd'"
	;;
esac
