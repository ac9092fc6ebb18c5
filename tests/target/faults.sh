#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Faults, across two VMs: VM a runs doorbell-target on its NVMe
# controller, VM b's initiators write to it and log every write the
# target acknowledged.  Then, in shared mode and again in isolated mode
# (the subsystem's two controllers, one initiator each):
#   1. an initiator is killed mid-stream: the target frees its queue;
#   2. an initiator's host falls silent (its address goes away, the
#      process dies): the target's keepalive finds out and frees the
#      queue; in isolated mode after keepalives (every 2 s) overlapped
#      5 s of a two-sided load;
#   3. the target is killed and restarted under a writer;
#   4. the controller is reset while two initiators write.
# After each, every acknowledged write reads back from the target (no
# data lost, nothing wrongly acknowledged), and new initiators are served.
# Both kernels' logs must stay clean.
. tests/vm/lib/all.sh

TARGET_IP=10.78.0.1
INITIATOR_IP=10.78.0.2
# The control channel has addresses of its own, so that it still works
# while the initiator's RoCE address is gone.
CTL_IP=10.79.0.1
CTL_PORT=7000
rxe_vm_pair
if [ "$VM_ROLE" = a ]; then
	ip addr add "$CTL_IP/24" dev eth0
else
	ip addr add 10.79.0.2/24 dev eth0
fi

if [ "$VM_ROLE" = a ]; then
	# The target's log stays with the run's artifacts.
	export TARGET_LOG=$VM_SHARE/doorbell-target.log
	[ "$(ip -4 addr show eth0 | grep -c "$TARGET_IP/")" -eq 1 ] ||
		fail "VM a must own $TARGET_IP"
	rxe_use_dbrxe_only rxe0
	nvme=$(vfio_bind "$NVME_ID") || exit 1
	target_start "$nvme" "$TARGET_IP"
	echo "$TARGET_PID" >/tmp/target.pid
	echo "$nvme" >/tmp/target-devices
	{
		printf 'export NVME_BDF=%q TARGET_IP=%q\n' "$nvme" "$TARGET_IP"
		printf 'export RDMAV_DRIVERS=%q\n' "$RDMAV_DRIVERS"
		printf 'export TARGET_LOG=%q\n' "$TARGET_LOG"
	} >/tmp/fault-env
	busybox nc -ll -p "$CTL_PORT" -e tests/target/fault-control.sh &
	for _ in $(seq 1200); do
		[ -e /tmp/fault-done ] && break
		sleep 0.5
	done
	[ -e /tmp/fault-done ] || fail "the initiator VM never finished"
	TARGET_PID=$(cat /tmp/target.pid)
	target_stop
	grep -q "dropping I/O queue" "$TARGET_LOG" ||
		fail "the target never dropped a silent initiator's queue"
	grep -q "mode: isolated" "$TARGET_LOG" ||
		fail "the target never ran in isolated mode"
	exit 0
fi

# VM b: the initiators.
rxe_use_dbrxe_only rxe0
writer=$(build_tool fault_writer)
cli=$(build_tool doorbell-initiator)

ctl() {
	local reply
	exec 3<>"/dev/tcp/$CTL_IP/$CTL_PORT" || fail "no control channel"
	echo "$1" >&3
	read -r reply <&3
	exec 3>&-
	echo "$reply"
}

# wait_sessions N [SECONDS]: the target holds N initiators within
# SECONDS (default 30).
wait_sessions() {
	local n
	for _ in $(seq $((${2:-30} * 2))); do
		n=$(ctl sessions)
		[ "$n" = "$1" ] && { log "ok: the target holds $1 initiator(s)"; return 0; }
		sleep 0.5
	done
	fail "the target holds '$n' initiators, want $1"
}

# in_flight ACKLOG: wait until a writer has 50 writes acknowledged, so
# the fault strikes in the middle of its stream.
in_flight() {
	for _ in $(seq 600); do
		[ -s "$1" ] && [ "$(wc -l <"$1")" -ge 50 ] && return 0
		sleep 0.1
	done
	fail "$1: the writer does not get going"
}

# verify BASE SEED ACKLOG: every acknowledged write reads back.  The
# target may take a moment to listen again; only that is retried.
verify() {
	local rc
	for _ in $(seq 50); do
		"$writer" verify "$TARGET_IP" "$1" "$2" "$3"
		rc=$?
		[ "$rc" -ne 3 ] && break
		sleep 0.2
	done
	[ "$rc" -eq 0 ] || fail "acknowledged writes of $3 are not all on the media"
	log "ok: acknowledged writes of $3 are on the media"
}

# However this ends, let the target VM finish too.
finish_target() { ctl finish >/dev/null 2>&1; }
on_exit finish_target

# The target VM may boot later.
for _ in $(seq 120); do
	"$cli" "$TARGET_IP" info >/dev/null 2>&1 && break
	sleep 1
done
expect_ok "the target answers" "$cli" "$TARGET_IP" info

# silence BASE COUNT SEED ACKLOG MODE LOAD_S: a MODE writer of up to COUNT
# extents from block BASE on falls silent LOAD_S seconds into its stream.
# Taking its address away silences it without a goodbye: nothing it
# sends leaves, and whatever comes in for that address is dropped.  (A
# link bounce would do too, but leaves 6.12's Soft-RoCE unable to connect
# again.)
silence() {
	local pid
	"$writer" write "$TARGET_IP" "$1" "$2" "$3" "$4" "$5" &
	pid=$!
	in_flight "$4"
	sleep "$6"
	ip addr del "$INITIATOR_IP/24" dev eth0
	kill -KILL "$pid"
	wait "$pid"
	# The keepalive's retries run out while the host is still silent.
	wait_sessions 0 60
	ip addr add "$INITIATOR_IP/24" dev eth0
	rxe_gid_index rxe0 "$INITIATOR_IP" >/dev/null
	verify "$1" "$3" "$4"
}

# faults MODE: every fault against the target as it runs now, in MODE.
# Each step's extents are verified before a later step may write over
# them.
faults() {
	rm -f /tmp/ack*
	log "$1: 1. an initiator killed mid-stream"
	"$writer" write "$TARGET_IP" 0 3000 1 /tmp/ack1 &
	pid=$!
	in_flight /tmp/ack1
	kill -KILL "$pid"
	wait "$pid"
	[ -s /tmp/ack1 ] || fail "no write was acknowledged before the kill"
	wait_sessions 0
	verify 0 1 /tmp/ack1

	# Keepalives (every 2 s) go out between two-sided commands, so their
	# completions come in while the target waits for a command's data.
	# Those must still count, or the silence goes unnoticed.  Keepalives
	# work alike in both modes, so each mode takes one of the streams.
	if [ "$1" = shared ]; then
		log "$1: 2. an initiator's host falls silent"
		silence 25000 3000 2 /tmp/ack2 one-sided 0
	else
		log "$1: 2. a two-sided writer's host falls silent after 5 s of load"
		silence 28000 12000 6 /tmp/ack6 two-sided-event 5
	fi

	log "$1: 3. the target restarts under a writer"
	"$writer" write "$TARGET_IP" 50000 3000 3 /tmp/ack3 &
	pid=$!
	in_flight /tmp/ack3
	expect_eq "target restarted" "$(ctl restart)" ok
	wait "$pid" && fail "the writer saw no error when the target died"
	verify 50000 3 /tmp/ack3

	log "$1: 4. the controller is reset under two writers"
	"$writer" write "$TARGET_IP" 75000 3000 4 /tmp/ack4 &
	pid4=$!
	"$writer" write "$TARGET_IP" 100000 3000 5 /tmp/ack5 &
	pid5=$!
	in_flight /tmp/ack4
	in_flight /tmp/ack5
	wait_sessions 2
	expect_eq "controller reset" "$(ctl reset)" ok
	wait "$pid4" && fail "writer 4 saw no error across the reset"
	wait "$pid5" && fail "writer 5 saw no error across the reset"
	# Both at once, as two initiators.
	verify 75000 4 /tmp/ack4 &
	pid4=$!
	verify 100000 5 /tmp/ack5 &
	pid5=$!
	wait "$pid4" || fail "writer 4's acknowledged writes"
	wait "$pid5" || fail "writer 5's acknowledged writes"
	wait_sessions 0
}

faults shared
expect_eq "target restarted in isolated mode" "$(ctl isolate)" ok
wait_sessions 0
faults isolated
log "all faults survived"
