#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness must not hide failures.  In a VM of its own (vmrun) and in a
# session VM (vmsession) alike, a test's exit status, a problem in the
# kernel log, and a hung test each reach the host as a failure; in a
# session, so does a test that leaves the VM changed, and the next test
# still starts from the state of a fresh boot.
set -u
here=$(cd "$(dirname "$0")" && pwd)
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# expect_rc WANT DESCRIPTION COMMAND...
expect_rc() {
	local want=$1 what=$2 rc
	shift 2
	"$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		echo "ok: $what (exit $rc)"
	else
		echo "FAIL: $what: exit $rc, want $want"
		cat "$out"
		failed=1
	fi
}

vmrun() { "$here/vmrun" --name "selftest-$1" "${@:2}"; }
session() { "$here/vmsession" run selftest --name "selftest.$1" "${@:2}"; }

# The kernel log is the kernel's own: /dev/kmsg puts a line into it exactly
# as a WARN_ON() would, without needing a fault-injection driver.
WARN='echo "WARNING: CPU: 0 PID: 1 at selftest" >/dev/kmsg'

# The hung command's VM idles until its timeout: it waits that out beside
# the other cases, with an output file of its own, and reports last.
hang_log=$(mktemp)
trap 'rm -f "$out" "$hang_log"' EXIT
(
	out=$(mktemp)
	trap 'rm -f "$out"' EXIT
	expect_rc 124 "vmrun: a hung command times out" \
		vmrun hang --timeout 15 -- sleep 600
	exit $failed
) >"$hang_log" 2>&1 &
hang_pid=$!

expect_rc 3 "vmrun: a failing command's status reaches the host" \
	vmrun exit -- exit 3
expect_rc 1 "vmrun: a WARNING in the kernel log fails a passing command" \
	vmrun warn -- sh -c "$WARN"

expect_rc 0 "vmsession: the VM boots and waits for tests" \
	"$here/vmsession" start selftest
expect_rc 0 "vmsession: a passing test passes" session pass -- true
expect_rc 3 "vmsession: a failing test's status reaches the host" \
	session exit -- exit 3
expect_rc 1 "vmsession: a test that leaves a link and a binding fails" \
	session leave -- 'ip link add xa type veth peer name xb &&
		echo vfio-pci >/sys/bus/pci/devices/0000:00:04.0/driver_override'
expect_rc 0 "vmsession: the next test finds the VM as booted" \
	session after -- '! [ -e /sys/class/net/xa ] &&
		[ "$(cat /sys/bus/pci/devices/0000:00:04.0/driver_override)" = "(null)" ]'
expect_rc 124 "vmsession: a hung test times out" \
	session hang --timeout 3 -- sleep 600
expect_rc 1 "vmsession: a WARNING while a test runs fails it" \
	session warn -- "$WARN"
expect_rc 0 "vmsession: a test after those runs as usual" session last -- true
expect_rc 1 "vmsession: the end reports the boot's kernel problems" \
	"$here/vmsession" stop selftest
grep -q "tests of this boot: .*selftest.warn" "$out" ||
	{ echo "FAIL: the end does not name the tests of the boot"; failed=1; }
wait "$hang_pid" || failed=1
cat "$hang_log"
exit $failed
