#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock ib_write_lat from rxea to rxeb; the table is kept as an artifact
# (ib_write_lat.txt in the run directory).
. tests/vm/lib/all.sh

rxe_two_peers
args=(-s 8 -n 1000 -F)
ib_write_lat -d rxeb -x "$RXE_B_GID" "${args[@]}" >/tmp/server.log 2>&1 &
server=$!
sleep 1
ib_write_lat -d rxea -x "$RXE_A_GID" "${args[@]}" "$RXE_B_IP" >/tmp/client.log 2>&1
client_rc=$?
wait "$server"
server_rc=$?
cat /tmp/client.log
cp /tmp/client.log "$VM_OUT/ib_write_lat.txt"
expect_eq "ib_write_lat client exit" "$client_rc" 0
expect_eq "ib_write_lat server exit" "$server_rc" 0
grep -Eq '^ *8 +1000 +[0-9.]+' /tmp/client.log || fail "no 8-byte result row"
