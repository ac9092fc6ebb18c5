# SPDX-License-Identifier: GPL-2.0
#
# Shared by the in-VM tests: logging and assertions.  A test is a bash
# script that exits 0 on success; these helpers make a failure say why.

log() { echo "[$(date +%H:%M:%S)] $*"; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	log "ok: $1 = $3"
}

# expect_ok DESCRIPTION CMD...: CMD must succeed; its output is shown.
expect_ok() {
	local what=$1
	shift
	"$@" || fail "$what: '$*' exited $?"
	log "ok: $what"
}

# debug_kernel: true on the debug kernel (KASAN, lockdep, kmemleak), where
# every step is several times slower; tests scale their load down there.
debug_kernel() { [ -e /sys/kernel/debug/kmemleak ]; }

# build_tool NAME: path of a tool built by CMake in the host build tree.
build_tool() {
	local p
	# Not into the VM runs' artifacts or CMake's own files: over 9p a
	# walk through them costs seconds.
	p=$(find "$DOORBELL_BUILD" \( -name vm-artifacts -o -name CMakeFiles \) \
		-prune -o -type f -name "$1" -perm -u+x -print 2>/dev/null |
		head -n1)
	[ -n "$p" ] || fail "$1 is not built in $DOORBELL_BUILD"
	echo "$p"
}
