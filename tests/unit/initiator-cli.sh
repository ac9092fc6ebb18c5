#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# initiator-cli.sh DOORBELL_INITIATOR: arguments that ask for nothing are
# refused, with status 2 and a message, before any connection is tried.
# The server is 192.0.2.1 (TEST-NET-1): a connection attempt fails, with
# status 1, and so tells a late refusal from an early one.
cli=$1
bad=0

refused() {
	local want=$1 out rc
	shift
	out=$(timeout 30 "$cli" "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q "$want" <<<"$out"; then
		echo "ok: $*: $out"
	else
		echo "FAIL: $*: exit $rc, '$out'"
		bad=1
	fi
}

refused "a block count of 0 reads nothing" 192.0.2.1 read 0 0
refused "a block count of 0 reads nothing" 192.0.2.1 read 8 0 /dev/null
refused "usage" 192.0.2.1 read 8
refused "usage" 192.0.2.1 frobnicate
exit $bad
