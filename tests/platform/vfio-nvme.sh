#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The NVMe controller binds to vfio-pci, opens through its group, shows a
# 16 KiB BAR0, and its CAP register reads through the region.
. tests/vm/lib/all.sh
tool=$(build_tool vfio-dmabuf)

bdf=$(vfio_bind "$NVME_ID") || exit 1
log "ok: $bdf bound to vfio-pci"

bars=$("$tool" bars "$bdf") || fail "bars $bdf"
echo "$bars"
bar0=$(echo "$bars" | awk '$1 == 0 { print $2 }')
expect_eq "BAR0 size" "$((bar0))" 16384

cap=$("$tool" read "$bdf" 0 0 8) || fail "read CAP"
log "CAP = $cap"
# CAP.MQES (bits 15:0) is the largest queue size minus one: never 0 on a
# working controller.  CAP.CSS bit 37 says the NVM command set is there.
[ $((cap & 0xffff)) -gt 0 ] || fail "CAP.MQES is 0"
[ $(((cap >> 37) & 1)) -eq 1 ] || fail "CAP.CSS lacks the NVM command set"
vs=$("$tool" read "$bdf" 0 8 4) || fail "read VS"
log "VS = $vs"
[ $((vs >> 16)) -ge 1 ] || fail "VS major version $((vs >> 16))"

# A second opener is refused while the group is held... by nobody: the
# tool closed it, so this must succeed again.
"$tool" read "$bdf" 0 0 4 >/dev/null || fail "re-open after close"

# Bad input gets a clear error, not a crash.
out=$("$tool" read "$bdf" 0 0x4000 4 2>&1) && fail "read past BAR0 succeeded"
echo "$out" | grep -q "Invalid argument" || fail "past-BAR error: $out"
vfio_unbind "$bdf"
out=$("$tool" bars "$bdf" 2>&1) && fail "opened an unbound device"
echo "$out" | grep -q "not bound to vfio-pci" || fail "unbound error: $out"
log "ok: errors for a read past the BAR and an unbound device"
