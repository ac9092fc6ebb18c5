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
# per I/O (goal, printed: no target CPU one-sided at every depth).
#
# Then Linux's own NVMe-oF target on the same rxe pair: a second NVMe
# controller on the kernel's nvme driver, exported by nvmet-rdma and
# connected with nvme-rdma, read by fio at depths 1 and 16; and the
# floor, ib_read_lat of 4 KiB between the peers plus fio at depth 1 on
# the kernel-driven controller itself.  compare.py prints table C from
# all of it: our modes and the kernel's side by side, and the goals.
#
# With --loaded the same runs are shorter (and shorter again in a quick
# run, DOORBELL_BENCH=quick); the host runs a CPU hog
# beside the VM meanwhile (tests/bench/host-load.sh).  The tables are kept
# as doorbell_lat.txt, doorbell_bw.txt and compare.txt in the run
# directory, with fio's JSON and ib_read_lat's output.
. tests/vm/lib/all.sh

# Quick runs (bench_size) keep every row of every table at the depths
# table C compares, 1 and 16, with fewer iterations and two rounds, the
# fewest that give a spread.
lat_iters=${DOORBELL_LAT_ITERS:-$(bench_size 200 1000)}
bw_iters=${DOORBELL_BW_ITERS:-$(bench_size 200 1000)}
lat_rounds=${DOORBELL_LAT_ROUNDS:-$(bench_size 2 5)}
bw_depths=$(bench_size 1,16 1,2,4,8,16,32)
load="idle host"
if [ "${1:-}" = --loaded ]; then
	lat_iters=$(bench_size 100 500)
	bw_iters=$(bench_size 100 500)
	bw_depths=1,16
	load="host loaded by a CPU hog"
fi
bench_banner

rxe_two_peers
rxe_use_dbrxe_only
nvme=$(vfio_bind "$NVME_ID") || exit 1
target_start "$nvme" "$RXE_B_IP"
"$(build_tool ib_doorbell_lat)" -S "$RXE_A_IP" -n "$lat_iters" \
	-r "$lat_rounds" "$RXE_B_IP" |
	tee "$VM_OUT/doorbell_lat.txt"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 0 ]; then
	"$(build_tool ib_doorbell_bw)" -S "$RXE_A_IP" -n "$bw_iters" \
		-d "$bw_depths" "$RXE_B_IP" | tee "$VM_OUT/doorbell_bw.txt"
	rc=${PIPESTATUS[0]}
fi
if [ "$rc" -eq 0 ]; then
	target_stop >/dev/null
else
	target_stop
	exit "$rc"
fi

# fio_run NAME DEVICE DEPTH IOS: IOS random 4 KiB Reads of DEVICE, direct,
# DEPTH in flight; fio's JSON goes to fio-NAME.json, and /proc/stat just
# before and after the I/O (fio's own hooks) to fio-NAME.stat0 and .stat1.
fio_run() {
	local out=$VM_OUT/fio-$1
	echo "fio: $1, depth $3, $4 Reads of $2"
	fio --name="$1" --filename="$2" --direct=1 --rw=randread --bs=4k \
		--ioengine=libaio --iodepth="$3" --number_ios="$4" \
		--norandommap --randrepeat=1 --lat_percentiles=1 \
		--percentile_list=50:99:99.9 \
		--exec_prerun="cp /proc/stat $out.stat0" \
		--exec_postrun="cp /proc/stat $out.stat1" \
		--output-format=json --output="$out.json" ||
		fail "fio $1 failed"
}

on_exit nvmet_undo
local_ns=$(nvme_kernel_bind "$ISO_A_BDF") || exit 1
fio_run local-qd1 "$local_ns" 1 "$((lat_iters * 2))"
nvmet_export "$local_ns" "$RXE_B_IP"
remote_ns=$(nvme_rdma_connect "$RXE_B_IP" "$RXE_A_IP") || exit 1
fio_run nvmet-qd1 "$remote_ns" 1 "$((lat_iters * 2))"
fio_run nvmet-qd16 "$remote_ns" 16 "$((bw_iters * 4))"
nvmet_undo

echo "ib_read_lat: 4096 bytes, rxea -> rxeb"
args=(-s 4096 -n "$lat_iters" -F)
rxe_tool_pair ib_read_lat ib_read_lat -d rxeb -x "$RXE_B_GID" "${args[@]}" -- \
	ib_read_lat -d rxea -x "$RXE_A_GID" "${args[@]}" "$RXE_B_IP"

python3 tests/bench/compare.py --load "$load" "$VM_OUT" |
	tee "$VM_OUT/compare.txt"
exit "${PIPESTATUS[0]}"
