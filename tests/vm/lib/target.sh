# SPDX-License-Identifier: GPL-2.0
#
# doorbell-target inside the test VM.

TARGET_LOG=${TARGET_LOG:-/tmp/doorbell-target.log}

# target_start BDF ADDR [ARGS...]: start doorbell-target on the NVMe
# controller BDF, listening on ADDR, with more ARGS if given (further
# --device options, say), and wait until it listens.  Sets TARGET_PID.
target_start() {
	# The log outlives a test in a session's shared boot, so only what
	# this target writes, past TARGET_LOG_START, counts.
	TARGET_LOG_START=$(stat -c %s "$TARGET_LOG" 2>/dev/null || echo 0)
	"$(build_tool doorbell-target)" --device "$1" --bind "$2" "${@:3}" \
		>>"$TARGET_LOG" 2>&1 &
	TARGET_PID=$!
	local text i
	for ((i = 0; i < 300; i++)); do
		# A fork, not three execs: on the debug kernel each exec
		# takes seconds.  The log is ASCII, so a character offset is
		# a byte offset.
		text=
		[ -e "$TARGET_LOG" ] && text=$(<"$TARGET_LOG")
		[[ ${text:$TARGET_LOG_START} == *"listening on"* ]] && return 0
		kill -0 "$TARGET_PID" 2>/dev/null || break
		sleep 0.1
	done
	target_log
	fail "doorbell-target did not start"
}

# target_log: what the target of the last target_start wrote.
target_log() {
	tail -c +$((${TARGET_LOG_START:-0} + 1)) "$TARGET_LOG" 2>/dev/null
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
	target_log
	[ "$rc" -eq 0 ] || fail "doorbell-target exited $rc"
	target_log | grep -q "stopped$" || fail "doorbell-target did not stop cleanly"
}
