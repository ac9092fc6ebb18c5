#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ibv_rc_pingpong between the two peers: rxeb serves, rxea connects.
. tests/vm/lib/all.sh

rxe_two_peers
ibv_rc_pingpong -d rxeb -g "$RXE_B_GID" -n 200 >/tmp/server.log 2>&1 &
server=$!
sleep 1
ibv_rc_pingpong -d rxea -g "$RXE_A_GID" -n 200 "$RXE_B_IP" >/tmp/client.log 2>&1
client_rc=$?
wait "$server"
server_rc=$?
cat /tmp/server.log /tmp/client.log
expect_eq "client exit" "$client_rc" 0
expect_eq "server exit" "$server_rc" 0
grep -q "200 iters" /tmp/client.log || fail "client did not finish 200 iterations"
