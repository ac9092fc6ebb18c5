#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The series' KUnit suites ran at boot and all passed.
. tests/vm/lib/all.sh

dmesg | grep -E "^\[[ 0-9.]+\] +(# |(not )?ok )" | sed 's/^\[[ 0-9.]*\] //'
for suite in pci_p2pdma_mmio; do
	line=$(dmesg | grep -E "# $suite: pass:[0-9]+ fail:[0-9]+") ||
		fail "KUnit suite $suite did not run"
	echo "$line" | grep -q "fail:0 " || fail "$suite: $line"
	echo "$line" | grep -q "pass:0 " && fail "$suite passed nothing: $line"
	log "ok: $suite: ${line#*# $suite: }"
done
