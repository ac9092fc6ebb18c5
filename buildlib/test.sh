#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test command: installs packages, builds user space and both test
# kernels (normal and debug; cached), fetches Debian's own kernel image
# and builds the series' modules for it (cached), then runs every test
# with ctest.
#
# The benchmarks run at their quick size here (DOORBELL_BENCH=quick):
# every ratio and its spread, in a fraction of the time.  Their full size
# is `ctest --test-dir build -L bench`, or DOORBELL_BENCH=full here.
# Arguments go to ctest (-R NAME runs one test).
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
# ctest's summary stays the last line of the output: CI reads it.
exec ctest --test-dir build --output-on-failure "$@"
