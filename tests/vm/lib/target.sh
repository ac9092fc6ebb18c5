# SPDX-License-Identifier: GPL-2.0
#
# doorbell-target inside the test VM.

TARGET_LOG=${TARGET_LOG:-/tmp/doorbell-target.log}

# target_start BDF ADDR: start doorbell-target on the NVMe controller BDF,
# listening on ADDR, and wait until it listens.  Sets TARGET_PID.
target_start() {
	"$(build_tool doorbell-target)" --device "$1" --bind "$2" \
		>>"$TARGET_LOG" 2>&1 &
	TARGET_PID=$!
	for _ in $(seq 300); do
		grep -q "listening on" "$TARGET_LOG" 2>/dev/null && return 0
		kill -0 "$TARGET_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TARGET_LOG"
	fail "doorbell-target did not start"
}

# target_stop: SIGTERM the target; it must exit 0 after a clean stop.  A
# target another shell started is not our child: its log says how it
# ended.
target_stop() {
	local rc
	kill -TERM "$TARGET_PID"
	wait "$TARGET_PID" 2>/dev/null
	rc=$?
	if [ "$rc" -eq 127 ]; then
		while kill -0 "$TARGET_PID" 2>/dev/null; do sleep 0.1; done
		rc=0
	fi
	echo "---- doorbell-target log"
	cat "$TARGET_LOG"
	[ "$rc" -eq 0 ] || fail "doorbell-target exited $rc"
	grep -q "stopped$" "$TARGET_LOG" || fail "doorbell-target did not stop cleanly"
}
