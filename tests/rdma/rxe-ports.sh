#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Both set-ups give ACTIVE rxe ports that stock libibverbs can see.
. tests/vm/lib/all.sh

rxe_two_peers
for dev in rxea rxeb; do
	state=$(ibv_devinfo -d "$dev" | awk '/state:/ { print $2; exit }')
	expect_eq "$dev port 1 state" "$state" PORT_ACTIVE
done
log "rxea GID index $RXE_A_GID, rxeb GID index $RXE_B_GID"
ibv_devices
