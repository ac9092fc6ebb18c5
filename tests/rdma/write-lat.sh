#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock ib_write_lat from rxea to rxeb; the table is kept as an artifact
# (ib_write_lat.txt in the run directory).
. tests/vm/lib/all.sh

rxe_two_peers
args=(-s 8 -n 1000 -F)
rxe_tool_pair ib_write_lat ib_write_lat -d rxeb -x "$RXE_B_GID" "${args[@]}" -- \
	ib_write_lat -d rxea -x "$RXE_A_GID" "${args[@]}" "$RXE_B_IP"
grep -Eq '^ *8 +1000 +[0-9.]+' "$VM_OUT/ib_write_lat.txt" ||
	fail "no 8-byte result row"
