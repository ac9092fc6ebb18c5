#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test command: installs packages, builds user space, fetches
# Debian's own kernel image and builds the series' modules for it
# (cached), then runs every test with ctest, which builds the two test
# kernels (cached) as the first steps of the tests that boot them.
#
# ctest runs two at a time: a kernel build (at the lowest priority)
# beside the tests that need no such kernel, and later two sessions'
# tests beside each other; a benchmark runs alone.  The benchmarks run at
# their quick size here (DOORBELL_BENCH=quick): every ratio and its
# spread, in a fraction of the time.  Their full size is
# `ctest --test-dir build -L bench`, or DOORBELL_BENCH=full here.
#
# Arguments go to ctest (-j1 runs one test at a time, -R NAME one test).
set -euo pipefail
cd "$(dirname "$0")/.."
began=$(date +%s)
bash buildlib/setup-debian.sh
cmake -S . -B build -G Ninja -DDOORBELL_VM_TESTS=ON -DDOORBELL_DEBUG_KERNEL=ON \
	-DDOORBELL_DEBIAN_KERNEL=ON
cmake --build build
echo "test.sh: set-up and builds took $(($(date +%s) - began)) s"
# Times mean little without the machine's speed beside them.
bash buildlib/machine-speed.sh
export DOORBELL_BENCH=${DOORBELL_BENCH:-quick}
tested=$(date +%s)
rc=0
ctest --test-dir build --output-on-failure -j2 "$@" | tee build/ctest.log ||
	rc=$?
echo "test.sh: ctest took $(($(date +%s) - tested)) s, all of it" \
	"$(($(date +%s) - began)) s"
bash buildlib/machine-speed.sh
# ctest's summary stays the last line of the output: CI reads it.
grep -E "tests passed, [0-9]+ tests? failed out of" build/ctest.log | tail -n1
exit "$rc"
