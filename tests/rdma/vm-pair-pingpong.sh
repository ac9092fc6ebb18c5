#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two VMs joined by QEMU's UDP socket netdev: rxe0 in VM b serves
# ibv_rc_pingpong, rxe0 in VM a connects.
. tests/vm/lib/all.sh

rxe_vm_pair
if [ "$VM_ROLE" = b ]; then
	timeout 120 ibv_rc_pingpong -d rxe0 -g "$RXE0_GID" -n 50
else
	# The server VM may boot later; retry the connection for a while.
	for _ in $(seq 30); do
		if timeout 60 ibv_rc_pingpong -d rxe0 -g "$RXE0_GID" -n 50 "$VM_PEER_IP"; then
			exit 0
		fi
		sleep 2
	done
	fail "could not reach the peer VM"
fi
