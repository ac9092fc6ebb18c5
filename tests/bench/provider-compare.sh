#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark: dbrxe against Debian's librxe in the same VM run, rxea ->
# rxeb.  perftest's ib_write_lat, ib_send_lat, ib_read_lat and
# ib_atomic_lat (t_typical, 99%) and ib_write_bw (BW average), three
# interleaved rounds each, medians compared as ratios; every run must
# succeed on both providers.  The last column is the lowest and highest ratio of a single
# round: a wide range says the runs were too short for the machine's
# noise.  The table is kept as provider_compare.txt in the run directory.
. tests/vm/lib/all.sh

rxe_two_peers
DBRXE=$DOORBELL_BUILD/providers/dbrxe/libdbrxe
# A quick run keeps two rounds, the fewest that give a spread.
ROUNDS=$(bench_size 2 3)
LAT_ITERS=$(bench_size 200 500)
BW_ITERS=$(bench_size 100 300)
bench_banner

# run_once PROVIDER TOOL ARGS...: the client's result row.
run_once() {
	local provider=$1 tool=$2
	shift 2
	local env=()
	[ "$provider" = dbrxe ] && env=(RDMAV_DRIVERS="$DBRXE")
	env "${env[@]}" timeout 60 "$tool" -d rxeb -x "$RXE_B_GID" -F "$@" \
		>/tmp/server.log 2>&1 &
	local pid=$!
	tcp_wait_listen 18515
	env "${env[@]}" timeout 60 "$tool" -d rxea -x "$RXE_A_GID" -F "$@" \
		"$RXE_B_IP" >/tmp/client.log 2>&1 || fail "$tool with $provider"
	wait "$pid" || fail "$tool server with $provider"
	grep -E '^ *[0-9]+ +[0-9]+ ' /tmp/client.log | tail -n1
}

# run_pair PROVIDER TOOL ARGS...: run_once, and once more if perftest
# printed a figure that is no number ("inf" for ib_write_lat's
# latencies, seen once in a quick run under TCG), keeping that client
# log with the run: a quick run has too few rounds for its median to
# absorb one.
run_pair() {
	local row
	row=$(run_once "$@") || exit 1
	if grep -qiE '(^| )-?(inf|nan)( |$)' <<<"$row"; then
		cp /tmp/client.log "$VM_OUT/$2-$1-not-a-number.log"
		log "$2 with $1 printed '$row'; running it again" >&2
		row=$(run_once "$@") || exit 1
	fi
	echo "$row"
}

# median: of the numbers on stdin; of an even count, the mean of the
# middle two.
median() {
	sort -g | awk '{ v[NR] = $1 }
		END { h = int((NR + 1) / 2); print (NR % 2 ? v[h] : (v[h] + v[h + 1]) / 2) }'
}

# round_spread "D1 D2 ..." "L1 L2 ...": the lowest and highest Dn/Ln.
round_spread() {
	paste <(echo $1 | tr ' ' '\n') <(echo $2 | tr ' ' '\n') |
		awk '{ q = $1 / $2; if (NR == 1 || q < lo) lo = q; if (q > hi) hi = q }
			END { printf "%.2f-%.2f", lo, hi }'
}

declare -A res
for round in $(seq $ROUNDS); do
	for provider in librxe dbrxe; do
		for t in ib_write_lat ib_send_lat ib_read_lat ib_atomic_lat; do
			row=$(run_pair $provider $t -s 8 -n "$LAT_ITERS") || exit 1
			res[$provider.$t.typ]+="$(echo "$row" | awk '{ print $5 }') "
			res[$provider.$t.p99]+="$(echo "$row" | awk '{ print $8 }') "
		done
		row=$(run_pair $provider ib_write_bw -s 65536 -n "$BW_ITERS") || exit 1
		res[$provider.ib_write_bw.bw]+="$(echo "$row" | awk '{ print $4 }') "
	done
	log "round $round done"
done

{
	printf '%-28s %12s %12s %12s %s\n' "#metric (median of $ROUNDS)" librxe dbrxe \
		"dbrxe/librxe" rounds
	for m in ib_write_lat.typ ib_write_lat.p99 ib_send_lat.typ ib_send_lat.p99 \
		ib_read_lat.typ ib_read_lat.p99 ib_atomic_lat.typ ib_atomic_lat.p99 \
		ib_write_bw.bw; do
		l=$(echo ${res[librxe.$m]} | tr ' ' '\n' | median)
		d=$(echo ${res[dbrxe.$m]} | tr ' ' '\n' | median)
		case $m in
		*.typ) name="${m%%.*} t_typical[us]" ;;
		*.p99) name="${m%%.*} 99%[us]" ;;
		*) name="${m%%.*} BW avg[MB/s]" ;;
		esac
		printf '%-28s %12s %12s %12.2f %s\n' "$name" "$l" "$d" \
			"$(echo "$d / $l" | bc -l)" \
			"$(round_spread "${res[dbrxe.$m]}" "${res[librxe.$m]}")"
	done
} | tee "$VM_OUT/provider_compare.txt"
