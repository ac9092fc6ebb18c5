# SPDX-License-Identifier: GPL-2.0
#
# Soft-RoCE set-ups inside the test VM.
#
# 6.12's rxe keeps its UDP sockets and routes in init_net, so network
# namespaces cannot separate two peers.  Instead a veth pair va/vb lives
# in init_net, and policy routing sends traffic that leaves through va
# out of va (and likewise vb) instead of short-cutting through the local
# table.  rxea sits on va (10.77.0.1) and rxeb on vb (10.77.0.2).
RXE_A_IP=10.77.0.1
RXE_B_IP=10.77.0.2

# What rxe_undo must put back: files under /run that say what changed.
RXE_SAVED=/run/doorbell-rxe

_rxe_sysctl() {
	local ifc all=/proc/sys/net/ipv4/conf/all a r
	[ -d "$RXE_SAVED" ] || mkdir -p "$RXE_SAVED"
	if [ ! -e "$RXE_SAVED/sysctl" ]; then
		read -r a <$all/accept_local
		read -r r <$all/rp_filter
		echo "$a $r" >"$RXE_SAVED/sysctl"
	fi
	for ifc in "$@"; do
		echo 1 >"/proc/sys/net/ipv4/conf/$ifc/accept_local"
		echo 0 >"/proc/sys/net/ipv4/conf/$ifc/rp_filter"
	done
}

# rxe_wait_active DEV: wait until port 1 of DEV is ACTIVE.
rxe_wait_active() {
	local i state
	for ((i = 0; i < 50; i++)); do
		read -r state <"/sys/class/infiniband/$1/ports/1/state" 2>/dev/null
		[[ $state == *ACTIVE* ]] && return 0
		sleep 0.1
	done
	fail "$1 port 1 is not ACTIVE: $(cat "/sys/class/infiniband/$1/ports/1/state" 2>&1)"
}

# rxe_gid_index DEV IPV4: the GID table index holding ::ffff:IPV4.
rxe_gid_index() {
	local dev=$1 ip=$2 hex gid f i v
	printf -v hex '%02x%02x:%02x%02x' ${ip//./ }
	gid="0000:0000:0000:0000:0000:ffff:$hex"
	for ((i = 0; i < 50; i++)); do
		for f in /sys/class/infiniband/"$dev"/ports/1/gids/*; do
			read -r v <"$f" 2>/dev/null || continue
			if [ "$v" = "$gid" ]; then
				echo "${f##*/}"
				return 0
			fi
		done
		sleep 0.1
	done
	fail "no GID for $ip on $dev"
}

# rxe_veth_pair: the veth pair va ($RXE_A_IP) and vb ($RXE_B_IP) in
# init_net, with the policy routing that makes traffic between the two
# addresses cross the pair.  The set-up is one ip -batch: under TCG each
# exec costs a tenth of a second, on the debug kernel more.
rxe_veth_pair() {
	ip -batch - <<-EOF || fail "veth pair"
		link add va type veth peer name vb
		addr add $RXE_A_IP/24 dev va
		addr add $RXE_B_IP/24 dev vb
		link set va up
		link set vb up
	EOF
	_rxe_sysctl all va vb
	: >"$RXE_SAVED/rules"
	ip -batch - <<-EOF || fail "policy routing"
		rule add pref 10 oif va lookup 101
		rule add pref 11 oif vb lookup 102
		route add $RXE_B_IP dev va src $RXE_A_IP table 101
		route add $RXE_A_IP dev vb src $RXE_B_IP table 102
		rule add pref 100 lookup local
		rule del pref 0 lookup local
	EOF
	rxe_pin_neighbours
}

# rxe_two_peers: rxea on va and rxeb on vb of rxe_veth_pair, both ACTIVE.
rxe_two_peers() {
	rxe_veth_pair
	rdma link add rxea type rxe netdev va || fail "rdma link add rxea"
	rdma link add rxeb type rxe netdev vb || fail "rdma link add rxeb"
	rxe_wait_active rxea
	rxe_wait_active rxeb
	RXE_A_GID=$(rxe_gid_index rxea "$RXE_A_IP")
	RXE_B_GID=$(rxe_gid_index rxeb "$RXE_B_IP")
}

# rxe_pin_neighbours: permanent neighbours for the veth pair.  The
# kernel's address resolution on a cold table sends an ARP request and
# then waits for a neighbour update it is not woken for, up to its
# timeout; librdmacm tools that resolve once (ib_write_lat, rping) would
# fail their first try.  libdoorbell-initiator retries within its
# timeout instead, which rxe_forget_neighbours lets a test check.
rxe_pin_neighbours() {
	local mac_a mac_b
	read -r mac_a </sys/class/net/va/address
	read -r mac_b </sys/class/net/vb/address
	ip -batch - <<-EOF || fail "pinning the veth pair's neighbours"
		neigh replace $RXE_B_IP dev va nud permanent lladdr $mac_b
		neigh replace $RXE_A_IP dev vb nud permanent lladdr $mac_a
	EOF
}

# rxe_forget_neighbours: a cold neighbour table, as after a boot.
rxe_forget_neighbours() {
	ip neigh del "$RXE_B_IP" dev va
	ip neigh del "$RXE_A_IP" dev vb
}

# rxe_loopback: one device, rxe0 on a veth end; it talks to itself.
rxe_loopback() {
	ip link add va type veth peer name vb || fail "veth pair"
	ip addr add "$RXE_A_IP/24" dev va
	ip link set va up
	ip link set vb up
	rdma link add rxe0 type rxe netdev va || fail "rdma link add rxe0"
	rxe_wait_active rxe0
	RXE0_GID=$(rxe_gid_index rxe0 "$RXE_A_IP")
}

# rxe_vm_pair: in a --pair run, rxe0 on eth0 with 10.78.0.1 (role a) or
# 10.78.0.2 (role b); the peer VM's address is $VM_PEER_IP.
rxe_vm_pair() {
	local ip=10.78.0.1
	[ "$VM_ROLE" = b ] && ip=10.78.0.2
	[ -d "$RXE_SAVED" ] || mkdir -p "$RXE_SAVED"
	touch "$RXE_SAVED/eth0"
	ip addr add "$ip/24" dev eth0
	ip link set eth0 up
	rdma link add rxe0 type rxe netdev eth0 || fail "rdma link add rxe0"
	rxe_wait_active rxe0
	RXE0_GID=$(rxe_gid_index rxe0 "$ip")
}

# rxe_use_dbrxe_only [DEV]: take Debian's librxe out of the guest's
# /etc/libibverbs.d, check that DEV (default rxea) then has no provider,
# and select dbrxe with RDMAV_DRIVERS.  A device that opens afterwards
# was served by dbrxe and nothing else.
rxe_use_dbrxe_only() {
	local dev=${1:-rxea}
	[ -d "$RXE_SAVED" ] || mkdir -p "$RXE_SAVED"
	[ -e /etc/libibverbs.d/rxe.driver ] &&
		cp -p /etc/libibverbs.d/rxe.driver "$RXE_SAVED/"
	rm -f /etc/libibverbs.d/rxe.driver
	ibv_devinfo -d "$dev" >/dev/null 2>&1 &&
		fail "$dev opened without our provider: librxe is still reachable"
	export RDMAV_DRIVERS=$DOORBELL_BUILD/providers/dbrxe/libdbrxe
}

# rxe_undo: remove every rxe device, the veth pair, the policy routing
# and the sysctls of rxe_two_peers, the address of rxe_vm_pair, and
# librxe's driver file comes back.
rxe_undo() {
	local d all=/proc/sys/net/ipv4/conf/all v
	for d in /sys/class/infiniband/*; do
		[ -e "$d" ] && rdma link delete "${d##*/}"
	done
	[ -e /sys/class/net/va ] && ip link delete va
	[ -d "$RXE_SAVED" ] || return 0
	if [ -e "$RXE_SAVED/eth0" ]; then
		ip addr flush dev eth0
		rm "$RXE_SAVED/eth0"
	fi
	if [ -e "$RXE_SAVED/rules" ]; then
		# -force: each line even if an earlier one failed.
		ip -force -batch - 2>/dev/null <<-EOF
			rule add pref 0 lookup local
			rule del pref 100
			rule del pref 10
			rule del pref 11
		EOF
		rm "$RXE_SAVED/rules"
	fi
	if [ -e "$RXE_SAVED/sysctl" ]; then
		read -r -a v <"$RXE_SAVED/sysctl"
		echo "${v[0]}" >$all/accept_local
		echo "${v[1]}" >$all/rp_filter
		rm "$RXE_SAVED/sysctl"
	fi
	if [ -e "$RXE_SAVED/rxe.driver" ]; then
		mv "$RXE_SAVED/rxe.driver" /etc/libibverbs.d/rxe.driver
	fi
	return 0
}

# rxe_tool_pair NAME SERVER-ARGS -- CLIENT-ARGS: run a stock tool's
# server (on rxeb, say) and then its client (on rxea); both must exit 0.
# The client's output is shown and kept as NAME.txt in the run's
# directory.  The pingpong examples and perftest both set up over TCP
# port 18515.
rxe_tool_pair() {
	local name=$1 server=() client=() s_rc c_rc
	shift
	while [ "$1" != -- ]; do server+=("$1"); shift; done
	shift
	client=("$@")
	timeout 60 "${server[@]}" >"/tmp/$name.server" 2>&1 &
	local pid=$!
	tcp_wait_listen 18515
	timeout 60 "${client[@]}" >"/tmp/$name.client" 2>&1
	c_rc=$?
	wait "$pid"
	s_rc=$?
	cat "/tmp/$name.client"
	cp "/tmp/$name.client" "$VM_OUT/$name.txt"
	[ "$c_rc" -eq 0 ] && [ "$s_rc" -eq 0 ] ||
		{ cat "/tmp/$name.server"; fail "$name: client $c_rc, server $s_rc"; }
	log "ok: $name"
}
