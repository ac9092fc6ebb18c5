#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock tools over the dbrxe provider between rxea and rxeb: the
# pingpong examples and perftest.  Debian's librxe is removed from the
# guest first, so the devices can only have been served by dbrxe.
. tests/vm/lib/all.sh

rxe_two_peers
rxe_use_dbrxe_only

# The debug kernel (KASAN, lockdep) is several times slower; it needs the
# same paths exercised, not the same statistics.
n=1000
debug_kernel && n=200

A=(-d rxea -g "$RXE_A_GID")
B=(-d rxeb -g "$RXE_B_GID")
rxe_tool_pair rc_pingpong ibv_rc_pingpong "${B[@]}" -n 200 -- \
	ibv_rc_pingpong "${A[@]}" -n 200 "$RXE_B_IP"
# -e: sleep on a completion channel instead of polling.
rxe_tool_pair rc_pingpong_events ibv_rc_pingpong "${B[@]}" -n 200 -e -- \
	ibv_rc_pingpong "${A[@]}" -n 200 -e "$RXE_B_IP"
rxe_tool_pair uc_pingpong ibv_uc_pingpong "${B[@]}" -n 200 -- \
	ibv_uc_pingpong "${A[@]}" -n 200 "$RXE_B_IP"
rxe_tool_pair ud_pingpong ibv_ud_pingpong "${B[@]}" -n 200 -- \
	ibv_ud_pingpong "${A[@]}" -n 200 "$RXE_B_IP"
rxe_tool_pair srq_pingpong ibv_srq_pingpong "${B[@]}" -n 200 -- \
	ibv_srq_pingpong "${A[@]}" -n 200 "$RXE_B_IP"

PA=(-d rxea -x "$RXE_A_GID" -F)
PB=(-d rxeb -x "$RXE_B_GID" -F)
rxe_tool_pair ib_write_lat ib_write_lat "${PB[@]}" -s 8 -n "$n" -- \
	ib_write_lat "${PA[@]}" -s 8 -n "$n" "$RXE_B_IP"
rxe_tool_pair ib_send_lat ib_send_lat "${PB[@]}" -s 8 -n "$n" -- \
	ib_send_lat "${PA[@]}" -s 8 -n "$n" "$RXE_B_IP"
rxe_tool_pair ib_read_lat ib_read_lat "${PB[@]}" -s 8 -n "$n" -- \
	ib_read_lat "${PA[@]}" -s 8 -n "$n" "$RXE_B_IP"
rxe_tool_pair ib_write_bw ib_write_bw "${PB[@]}" -s 65536 -n "$n" -- \
	ib_write_bw "${PA[@]}" -s 65536 -n "$n" "$RXE_B_IP"
