# SPDX-License-Identifier: GPL-2.0
#
# Shared by the in-VM tests: logging and assertions.  A test is a bash
# script that exits 0 on success; these helpers make a failure say why.
#
# A test leaves the VM as it found it, since in a session VM another test
# follows it: when it exits, whatever it registered with on_exit runs,
# then vm_undo_setup takes down what the helpers of this directory set up.

# The time comes from bash's printf, not date(1): under TCG every exec
# costs a tenth of a second, on the debug kernel more.
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*"; }

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

# bench_quick: the run asks for quick benchmarks (DOORBELL_BENCH=quick on
# the host, which buildlib/test.sh sets): the smallest size that still
# prints every ratio with its spread, so that CI pays little for them.
bench_quick() { [ "${DOORBELL_BENCH:-full}" = quick ]; }

# bench_size QUICK FULL: the size a benchmark runs at, FULL by default.
bench_size() {
	if bench_quick; then
		echo "$1"
	else
		echo "$2"
	fi
}

# bench_banner: say which size this run is, and how to get the other.
bench_banner() {
	if bench_quick; then
		log "quick size (DOORBELL_BENCH=quick); full size: ctest -L bench"
	else
		log "full size"
	fi
}

# build_tool NAME: path of a tool built by CMake in the host build tree.
# One walk of the tree lists them all, kept in /run for the tests that
# follow in a session VM: over 9p a walk costs seconds.
build_tool() {
	local list=/run/doorbell-tools p= first=
	[ -s "$list" ] && read -r first <"$list"
	if [ "$first" != "$DOORBELL_BUILD" ]; then
		{
			echo "$DOORBELL_BUILD"
			# Not into the VM runs' artifacts, CMake's own files or
			# packages.plain-install's build and install of its own.
			find "$DOORBELL_BUILD" \( -name vm-artifacts -o \
				-name CMakeFiles -o -name plain-install \) \
				-prune -o -type f -perm -u+x -print 2>/dev/null
		} >"$list.tmp"
		mv "$list.tmp" "$list"
	fi
	while IFS= read -r p; do
		[ "${p##*/}" = "$1" ] && { echo "$p"; return 0; }
	done <"$list"
	fail "$1 is not built in $DOORBELL_BUILD"
}

# tcp_wait_listen PORT: wait up to 10 s until a socket listens on TCP
# PORT, IPv4 or IPv6.  /proc/net/tcp* is read with builtins (ss and grep
# would be two execs per look); its ports are hexadecimal, and state 0A
# is LISTEN.
tcp_wait_listen() {
	local port i f local_addr state
	printf -v port '%04X' "$1"
	for ((i = 0; i < 100; i++)); do
		for f in /proc/net/tcp /proc/net/tcp6; do
			[ -r "$f" ] || continue
			while read -r _ local_addr _ state _; do
				[ "${local_addr##*:}" = "$port" ] &&
					[ "$state" = 0A ] && return 0
			done <"$f"
		done
		sleep 0.1
	done
	return 1
}

_on_exit=()

# on_exit CMD...: run CMD when the test exits, the last registered first,
# before the helpers' own undo.  For the test's top-level shell only.
on_exit() {
	_on_exit=("$(printf '%q ' "$@")" "${_on_exit[@]}")
}

# test_modules_undo: unload the test-only modules (tests/kmod) still in.
test_modules_undo() {
	local ko name
	for ko in "${DOORBELL_KMOD:-/nonexistent}"/*.ko; do
		name=${ko##*/}
		name=${name%.ko}
		[ -d "/sys/module/$name" ] && rmmod "$name"
	done
	return 0
}

# vm_undo_setup: stop what the test started in the background, then
# unload test modules, take down rxe and give devices back, in the
# reverse order of how tests build them up.  Each undo looks with shell
# builtins first, since under TCG every exec costs a tenth of a second,
# and this runs after every test.
vm_undo_setup() {
	local pids
	pids=$(jobs -p)
	if [ -n "$pids" ]; then
		kill $pids 2>/dev/null
		wait $pids 2>/dev/null
	fi
	test_modules_undo
	rxe_undo
	vfio_undo
}

_test_exit() {
	local rc=$? c
	for c in "${_on_exit[@]}"; do
		eval "$c" || true
	done
	vm_undo_setup
	exit "$rc"
}

# The first shell of a test to source this owns the undo.  The scripts
# it starts (fault-control.sh, run by nc for each connection) inherit the
# mark and leave the VM's set-up to it.
if [ -z "${VM_UNDO_OWNER:-}" ]; then
	export VM_UNDO_OWNER=$$
	trap _test_exit EXIT
fi
