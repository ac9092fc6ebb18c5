#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark: ib_doorbell_lat against doorbell-target, rxea -> rxeb in one
# VM.  Table A compares the ring of the NVMe SQ tail doorbell (RDMA WRITE
# against a busy-polling or a sleeping target thread's store), table B
# one-sided against a two-sided target; both print the target CPU per
# command.  Goals (printed, not asserted): in A, direct at 0.8x or better
# of send+event and 1.0x or better of send+busy-poll with no target CPU;
# in B, one-sided at 1.0x or better of two-sided-event.  Then, against
# the same target, ib_doorbell_bw's table of 4 KiB Reads at depths 1 to
# 32, one-sided and two-sided, with the target's and the whole VM's CPU
# per I/O (goal, printed: no target CPU one-sided at every depth).  The
# tables are kept as doorbell_lat.txt and doorbell_bw.txt in the run
# directory.
. tests/vm/lib/all.sh

rxe_two_peers
rxe_use_dbrxe_only
nvme=$(vfio_bind "$NVME_ID") || exit 1
target_start "$nvme" "$RXE_B_IP"
"$(build_tool ib_doorbell_lat)" -S "$RXE_A_IP" -n "${DOORBELL_LAT_ITERS:-1000}" \
	-r "${DOORBELL_LAT_ROUNDS:-5}" "$RXE_B_IP" |
	tee "$VM_OUT/doorbell_lat.txt"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 0 ]; then
	"$(build_tool ib_doorbell_bw)" -S "$RXE_A_IP" \
		-n "${DOORBELL_BW_ITERS:-1000}" "$RXE_B_IP" |
		tee "$VM_OUT/doorbell_bw.txt"
	rc=${PIPESTATUS[0]}
fi
if [ "$rc" -eq 0 ]; then
	target_stop >/dev/null
else
	target_stop
fi
exit "$rc"
