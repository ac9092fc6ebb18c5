#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dbrxe against Debian's librxe on the same kernel and devices: the same
# cases (parity_test) run once on each provider and must get the same
# answers, apart from dbrxe's additions, which librxe refuses.  With
# libibverbs' log at INFO, the dbrxe run's log names dbrxe as the
# provider of rxea, and the librxe run's does not.  The table of both
# answers is kept as parity.txt in the run directory.
. tests/vm/lib/all.sh

rxe_two_peers
[ -e /etc/libibverbs.d/rxe.driver ] || fail "Debian's librxe is not installed"
nvme=$(vfio_bind "$NVME_ID") || exit 1
tool=$(build_tool parity_test)
args=(rxea "$RXE_A_GID" rxeb "$RXE_B_GID" "$nvme")

# run PROVIDER [VAR=VALUE...]: the cases on PROVIDER, into /tmp/PROVIDER.txt.
run() {
	local p=$1
	shift
	env VERBS_LOG_LEVEL=3 VERBS_LOG_FILE=/tmp/$p.log "$@" \
		"$tool" "${args[@]}" >/tmp/$p.txt ||
		fail "parity_test on $p, after: $(tail -n3 /tmp/$p.txt)"
}
run librxe
run dbrxe RDMAV_DRIVERS=$DOORBELL_BUILD/providers/dbrxe/libdbrxe

grep -q "rxea: served by dbrxe" /tmp/dbrxe.log ||
	fail "the log does not name dbrxe as rxea's provider: $(cat /tmp/dbrxe.log)"
log "ok: $(grep -m1 'rxea: served by dbrxe' /tmp/dbrxe.log)"
grep -q dbrxe /tmp/librxe.log && fail "dbrxe served a device in the librxe run"
log "ok: librxe served the devices without RDMAV_DRIVERS"

# A provider that libibverbs cannot load, as dbrxe is for a libibverbs of
# another private ABI: libibverbs warns why and goes on, and librxe
# serves the device.
unloadable=$DOORBELL_BUILD/tests/provider/libunloadable
[ -f "$unloadable-rdmav34.so" ] || fail "$unloadable-rdmav34.so is not built"
RDMAV_DRIVERS=$unloadable VERBS_LOG_LEVEL=3 ibv_devinfo -d rxea \
	>/tmp/unloadable.out 2>/tmp/unloadable.err ||
	fail "rxea did not open: $(cat /tmp/unloadable.err)"
grep -q PORT_ACTIVE /tmp/unloadable.out || fail "rxea: $(cat /tmp/unloadable.out)"
grep "couldn't load driver" /tmp/unloadable.err ||
	fail "no word of the provider that did not load: $(cat /tmp/unloadable.err)"
grep -q dbrxe /tmp/unloadable.err && fail "dbrxe served rxea: $(cat /tmp/unloadable.err)"
log "ok: a provider that cannot load leaves rxea to librxe"

# One row per case: the answers side by side, and "differs" where they
# do.  Additions are dbrxe's own and do not count, and neither do the
# differences dbrxe(7) documents: where librxe fails a post but leaves
# *bad_wr NULL, dbrxe names the request that was not posted; where
# librxe crashes (an unbind of a type 1 window), dbrxe must succeed.
join -t '|' -a1 -a2 -e '(missing)' -o 0,1.2,2.2 \
	<(sed 's/: /|/' /tmp/librxe.txt | sort -t '|' -k1,1) \
	<(sed 's/: /|/' /tmp/dbrxe.txt | sort -t '|' -k1,1) |
	awk -F'|' '{
		d = ""
		l = $2; r = $3
		if (l ~ / bad_wr=null$/ && r ~ / bad_wr=#[0-9]+$/ && l !~ /^ok/) {
			sub(/ bad_wr=.*/, "", l); sub(/ bad_wr=.*/, "", r)
			if (l == r)
				d = "bad_wr named"
		}
		# librxe 44 dereferences the MR of an unbind, which has none.
		if (l ~ /^killed by signal/ && r ~ /^ok/)
			d = "librxe crashes"
		if ($2 != $3 && d == "")
			d = $1 ~ /^addition / ? "addition" : "differs"
		printf "%-40s | %-44s | %-44s | %s\n", $1, $2, $3, d }' \
	>"$VM_OUT/parity.txt"
{
	printf '%-40s | %-44s | %-44s |\n' case librxe dbrxe
	cat "$VM_OUT/parity.txt"
}
n=$(grep -c 'differs$' "$VM_OUT/parity.txt")
[ "$n" = 0 ] || fail "$n cases answered differently"
log "ok: $(wc -l <"$VM_OUT/parity.txt") cases: $(grep -c ' | $' "$VM_OUT/parity.txt") the same," \
	"$(grep -c ' | addition$' "$VM_OUT/parity.txt") additions," \
	"$(grep -Ec ' \| (bad_wr named|librxe crashes)$' "$VM_OUT/parity.txt") documented differences"

expect_eq "librxe's reg_dmabuf_mr" \
	"$(sed -n 's/^addition reg_dmabuf_mr: //p' /tmp/librxe.txt)" EOPNOTSUPP
expect_eq "dbrxe's reg_dmabuf_mr" \
	"$(sed -n 's/^addition reg_dmabuf_mr: //p' /tmp/dbrxe.txt)" ok
expect_eq "dbrxe's reg_dmabuf_mr with an optional access bit" \
	"$(sed -n 's/^addition reg_dmabuf_mr optional access: //p' /tmp/dbrxe.txt)" ok
for c in "post_send atomic_write: ok wc=success landed=1" "rereg_mr access: 0" "rereg_mr pd: 0 pd_moved=1" \
	"rereg_mr pd holds it: EBUSY"; do
	grep -qx "addition $c" /tmp/dbrxe.txt || fail "dbrxe: want 'addition $c'"
	log "ok: dbrxe's $c"
done
