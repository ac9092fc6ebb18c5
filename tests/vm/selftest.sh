#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness must not hide failures: a test's exit status, a problem in
# the kernel log, and a hung VM each reach the host as a failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
failed=0

# expect_rc WANT DESCRIPTION VMRUN-ARGS...
expect_rc() {
	local want=$1 what=$2 rc
	shift 2
	"$here/vmrun" --name "selftest-$want" "$@" >/tmp/selftest.$$ 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		echo "ok: $what (exit $rc)"
	else
		echo "FAIL: $what: exit $rc, want $want"
		cat /tmp/selftest.$$
		failed=1
	fi
	rm -f /tmp/selftest.$$
}

expect_rc 0 "a passing command passes" -- true
expect_rc 3 "a failing command's status reaches the host" -- exit 3
# The kernel log is the kernel's own: /dev/kmsg puts a line into it exactly
# as a WARN_ON() would, without needing a fault-injection driver.
expect_rc 1 "a WARNING in the kernel log fails a passing command" -- \
	sh -c 'echo "WARNING: CPU: 0 PID: 1 at selftest" >/dev/kmsg'
expect_rc 124 "a hung command times out" --timeout 25 -- sleep 600
exit $failed
