#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test command: installs packages, builds user space and both test
# kernels (normal and debug; cached), then runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
began=$(date +%s)
bash buildlib/setup-debian.sh
cmake -S . -B build -G Ninja -DDOORBELL_VM_TESTS=ON -DDOORBELL_DEBUG_KERNEL=ON
cmake --build build
echo "test.sh: set-up and builds took $(($(date +%s) - began)) s"
rc=0
ctest --test-dir build --output-on-failure "$@" || rc=$?
echo "test.sh: total $(($(date +%s) - began)) s"
exit $rc
