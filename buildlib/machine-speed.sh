#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# machine-speed.sh: how fast this machine is, so that a run's times can
# be read against it.  Machines of one kind differ by more than 2x under
# QEMU's TCG, and a test's seconds mean little without that figure.
#
# Prints two lines: the time of a fixed single-threaded CPU job (an awk
# loop of 20 million steps; about 2.5 s on a fast machine of this kind,
# and like TCG it measures one core's integer speed), and the time the
# normal test kernel took to build on this machine, wall and CPU, as
# kernel/build.sh recorded it beside the cached kernel.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

start=$(date +%s%N)
awk 'BEGIN { x = 1
	for (i = 0; i < 20000000; i++)
		x = (x * 1103515245 + 12345) % 2147483648
	print x }' >/dev/null
took=$((($(date +%s%N) - start) / 1000000))
printf 'machine: %d CPUs; the fixed CPU job took %d.%02d s\n' "$(nproc)" \
	$((took / 1000)) $((took % 1000 / 10))

# Never a build here: only what kernel/build.sh recorded.
if bzimage=$(kernel/build.sh --variant vm --cached 2>/dev/null) &&
	read -r wall cpu objects <"$(dirname "$bzimage")/build-seconds"; then
	if [ "${objects:-1000}" -lt 1000 ]; then
		echo "machine: the cached normal kernel was an incremental" \
			"build ($objects objects, $wall s): no measure of" \
			"this machine"
	else
		echo "machine: the normal kernel built in $wall s, $cpu s" \
			"of CPU (kernel/build.sh, when it was cached)"
	fi
else
	echo "machine: the normal kernel's build time is not recorded"
fi
