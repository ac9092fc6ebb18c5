#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock tools over the dbrxe provider between rxea and rxeb: the
# pingpong examples and perftest.  Debian's librxe is removed from the
# guest first, so the devices can only have been served by dbrxe.
. tests/vm/lib/all.sh

rxe_two_peers
rxe_use_dbrxe_only

# pair NAME SERVER-ARGS -- CLIENT-ARGS: run a server on rxeb and a client
# on rxea; both must exit 0.  The client's output is shown and kept.
pair() {
	local name=$1 server=() client=() s_rc c_rc
	shift
	while [ "$1" != -- ]; do server+=("$1"); shift; done
	shift
	client=("$@")
	timeout 60 "${server[@]}" >"/tmp/$name.server" 2>&1 &
	local pid=$!
	# Both tools listen on TCP port 18515 for the connection set-up.
	tcp_wait_listen 18515
	timeout 60 "${client[@]}" >"/tmp/$name.client" 2>&1
	c_rc=$?
	wait "$pid"
	s_rc=$?
	cat "/tmp/$name.client"
	cp "/tmp/$name.client" "$VM_OUT/$name.txt"
	[ "$c_rc" -eq 0 ] && [ "$s_rc" -eq 0 ] ||
		{ cat "/tmp/$name.server"; fail "$name: client $c_rc, server $s_rc"; }
	log "ok: $name"
}

# The debug kernel (KASAN, lockdep) is several times slower; it needs the
# same paths exercised, not the same statistics.
n=1000
debug_kernel && n=200

A=(-d rxea -g "$RXE_A_GID")
B=(-d rxeb -g "$RXE_B_GID")
pair rc_pingpong ibv_rc_pingpong "${B[@]}" -n 200 -- \
	ibv_rc_pingpong "${A[@]}" -n 200 "$RXE_B_IP"
# -e: sleep on a completion channel instead of polling.
pair rc_pingpong_events ibv_rc_pingpong "${B[@]}" -n 200 -e -- \
	ibv_rc_pingpong "${A[@]}" -n 200 -e "$RXE_B_IP"
pair uc_pingpong ibv_uc_pingpong "${B[@]}" -n 200 -- \
	ibv_uc_pingpong "${A[@]}" -n 200 "$RXE_B_IP"
pair ud_pingpong ibv_ud_pingpong "${B[@]}" -n 200 -- \
	ibv_ud_pingpong "${A[@]}" -n 200 "$RXE_B_IP"
pair srq_pingpong ibv_srq_pingpong "${B[@]}" -n 200 -- \
	ibv_srq_pingpong "${A[@]}" -n 200 "$RXE_B_IP"

PA=(-d rxea -x "$RXE_A_GID" -F)
PB=(-d rxeb -x "$RXE_B_GID" -F)
pair ib_write_lat ib_write_lat "${PB[@]}" -s 8 -n "$n" -- \
	ib_write_lat "${PA[@]}" -s 8 -n "$n" "$RXE_B_IP"
pair ib_send_lat ib_send_lat "${PB[@]}" -s 8 -n "$n" -- \
	ib_send_lat "${PA[@]}" -s 8 -n "$n" "$RXE_B_IP"
pair ib_read_lat ib_read_lat "${PB[@]}" -s 8 -n "$n" -- \
	ib_read_lat "${PA[@]}" -s 8 -n "$n" "$RXE_B_IP"
pair ib_write_bw ib_write_bw "${PB[@]}" -s 65536 -n "$n" -- \
	ib_write_bw "${PA[@]}" -s 65536 -n "$n" "$RXE_B_IP"
