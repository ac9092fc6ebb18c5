#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark: RDMA WRITE latency and bandwidth into a BAR dma-buf MR
# against into a host-memory MR, rxea -> rxeb, in one VM run, with the
# ratios.  The goal is t_typical within 1.10x of host memory for 4- and
# 8-byte writes; the figures are printed, not asserted.  The table is
# kept as dmabuf_mr_bench.txt in the run directory.
. tests/vm/lib/all.sh

bench_banner
rxe_two_peers
rxe_use_dbrxe_only
shm=$(vfio_bind "$IVSHMEM_ID") || exit 1
"$(build_tool mr_bench)" rxea "$RXE_A_GID" rxeb "$RXE_B_GID" "$shm" \
	"${MR_BENCH_ROUNDS:-$(bench_size 3 5)}" \
	"${MR_BENCH_ITERS:-$(bench_size 200 500)}" |
	tee "$VM_OUT/dmabuf_mr_bench.txt"
exit "${PIPESTATUS[0]}"
