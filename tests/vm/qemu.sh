# SPDX-License-Identifier: GPL-2.0
#
# Host side of the test VM, sourced by vmrun (one command per boot) and
# vmsession (one boot, many tests): the kernel and initramfs, the QEMU
# command line, and what in a kernel log fails a run.
#
# The caller sets: SRC, WORK, variant, kernel, timeout, cpu, mem, ivshmem,
# qemu_trace.

# Patterns of a kernel log that mean something went wrong in the kernel.
SPLAT='WARNING:|BUG:|KASAN:|UBSAN:|Oops|Kernel panic|general protection fault|'
SPLAT+='INFO: (possible|inconsistent|task .* blocked|suspicious RCU)|'
SPLAT+='unreferenced object|Call Trace:'
# Lines that match but report no fault of the kernel under test: the
# advisories a distribution kernel prints at boot about the CPU model it
# finds (Debian's, under -cpu EPYC, on its missing microcode).
NOT_SPLAT='Speculative Return Stack Overflow: WARNING: See '

# vm_kernel_and_initrd: resolve $kernel (building the variant, or
# fetching Debian's image for the debian variant and adding the series'
# modules to it for debian-dkms, if unset) and set
# $initrd, rebuilding the initramfs when its sources changed.  A kernel
# that comes with a module tree (lib/modules/<release> beside its boot/)
# gets the modules its root mount needs in its initramfs, and the tree
# in the guest (kernel_args).
vm_kernel_and_initrd() {
	local modules=
	if [ -z "$kernel" ]; then
		case $variant in
		debian) kernel=$("$SRC/tests/vm/debian-image.sh" | tail -n1) ;;
		debian-dkms) kernel=$("$SRC/tests/vm/debian-dkms.sh" | tail -n1) ;;
		*) kernel=$("$SRC/kernel/build.sh" --variant "$variant" | tail -n1) ;;
		esac || { echo "vm: no $variant kernel" >&2; return 1; }
	fi
	[ -r "$kernel" ] || { echo "vm: no kernel at $kernel" >&2; return 1; }
	kernel_args=
	initrd=$WORK/initramfs.cpio.gz
	if [ -d "$(dirname "$kernel")/../lib/modules" ]; then
		modules=$(cd "$(dirname "$kernel")/../lib/modules" && echo "$PWD"/*)
		[ -d "$modules" ] || { echo "vm: no module tree for $kernel" >&2; return 1; }
		kernel_args="doorbell.modules=$modules"
		initrd=$WORK/initramfs-${modules##*/}.cpio.gz
	fi
	# The series' modules, installed by the doorbell-dkms package and
	# loaded at boot as a host with the package loads them, and rdma_ucm, which rdma-core's rules load on
	# a host with an RDMA device.  The series' own kernel has them built
	# in, and so it has veth and crc32, which the first rxe set-up would
	# load and leave in.
	[ "$variant" = debian-dkms ] &&
		kernel_args+=" doorbell.dkms=$(dirname "$kernel")/../dkms doorbell.modprobe=vfio-pci,ib_uverbs,rdma_rxe,rdma_ucm,veth,crc32_generic"
	# The initramfs depends only on busybox, tests/vm/init and the
	# kernel's modules.
	if [ ! -f "$initrd" ] || [ "$SRC/tests/vm/init" -nt "$initrd" ] ||
	   [ "$SRC/tests/vm/mkinitramfs.sh" -nt "$initrd" ] ||
	   { [ -n "$modules" ] && [ "$modules" -nt "$initrd" ]; }; then
		mkdir -p "$WORK"
		"$SRC/tests/vm/mkinitramfs.sh" "$initrd" $modules || return 1
	fi
}

# prepare_vm DIR ROLE PEER_IP: the files one VM's /vmshare starts with.
# A command (CMD, an array) is optional: a session VM takes its tests later.
prepare_vm() {
	local dir=$1 role=$2 peer_ip=$3
	mkdir -p "$dir"
	truncate -s 64M "$dir/nvme.img"
	truncate -s 64M "$dir/iso-ns1.img" "$dir/iso-ns2.img"
	truncate -s "$ivshmem" "$dir/ivshmem.bin"
	echo "$SRC/tests/vm/guest-run.sh" >"$dir/runner"
	{
		printf 'export DOORBELL_SRC=%q\n' "$SRC"
		printf 'export DOORBELL_BUILD=%q\n' "${DOORBELL_BUILD:-$SRC/build}"
		printf 'export VM_ROLE=%q VM_PEER_IP=%q\n' "$role" "$peer_ip"
		printf 'export VM_SHARE=/vmshare\n'
		printf 'export DOORBELL_KMOD=%q\n' "$(dirname "$kernel")/kmod"
		# The benchmarks' size (tests/vm/lib/common.sh: bench_size).
		printf 'export DOORBELL_BENCH=%q\n' "${DOORBELL_BENCH:-full}"
	} >"$dir/env"
	[ "${#CMD[@]}" -gt 0 ] || return 0
	vm_command_line "$dir/cmd" "${CMD[@]}"
}

# vm_command_line FILE ARG...: one argument is a shell command line;
# several are an argv.
vm_command_line() {
	local file=$1
	shift
	if [ $# -eq 1 ]; then
		printf '%s\n' "$1" >"$file"
	else
		printf '%q ' "$@" >"$file"
	fi
}

# start_vm DIR NETDEV MAC: launch QEMU in the background; sets $!.
start_vm() {
	local dir=$1 netdev=$2 mac=$3
	# no_timer_check: under TCG on a loaded host the IO-APIC timer check
	# can miss its ticks and panic the boot ("timer doesn't work through
	# Interrupt-remapped IO-APIC"), seen with two VMs booting at once.
	local append="console=ttyS0 panic=-1 no_timer_check intel_iommu=on"
	append+=" rdinit=/init${kernel_args:+ $kernel_args}"
	# Debian's kernel patches its static keys and alternatives at boot
	# with int3 (text_poke_bp).  Under multi-threaded TCG another vCPU
	# now and then runs the old code after the int3 is gone, and the boot
	# dies with "Oops: int3" (seen in about one boot in eight).  One TCG
	# thread for both vCPUs keeps their view of the code coherent.  The
	# series' kernels have no jump labels and keep a thread per vCPU.
	local tcg=tcg
	case $variant in
	debian*) tcg=tcg,thread=single ;;
	esac
	local args=(
		-M q35,kernel-irqchip=split -accel "$tcg" -smp 2 -m "$mem"
		-global q35-pcihost.pci-hole64-size=256G
		-device intel-iommu,intremap=on
		-kernel "$kernel" -initrd "$initrd" -append "$append"
		-display none -vga none -monitor none -no-reboot
		-serial "file:$dir/console.log"
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
		-virtfs "local,path=$dir,mount_tag=vmshare,security_model=none"
		-drive "file=$dir/nvme.img,if=none,id=nvm,format=raw"
		-device nvme,serial=doorbell0,drive=nvm
		-object "memory-backend-file,id=shm,share=on,mem-path=$dir/ivshmem.bin,size=$ivshmem"
		-device ivshmem-plain,memdev=shm
		-device pci-testdev
		-netdev "$netdev" -device "virtio-net-pci,netdev=net0,mac=$mac"
		# A subsystem of two controllers at fixed addresses (00:10.0
		# and 00:11.0), each with a private namespace on a file of its
		# own, for the target's isolated mode (a subsystem's
		# controllers share its serial).  They come last, so the
		# first NVMe controller is still the one above.
		-device nvme-subsys,id=iso,nqn=nqn.2026-12.invalid.doorbell:iso
		-device nvme,id=isoa,serial=doorbell-iso,subsys=iso,addr=0x10
		-drive "file=$dir/iso-ns1.img,if=none,id=isoa-ns,format=raw"
		-device nvme-ns,drive=isoa-ns,bus=isoa,nsid=1,shared=off
		-device nvme,id=isob,serial=doorbell-iso,subsys=iso,addr=0x11
		-drive "file=$dir/iso-ns2.img,if=none,id=isob-ns,format=raw"
		-device nvme-ns,drive=isob-ns,bus=isob,nsid=2,shared=off
	)
	# QEMU's default model (qemu64) lacks RDRAND, and without it the
	# kernel's RNG waits minutes for entropy under TCG, as does every
	# getrandom() in user space meanwhile.  RDRAND leaves the family and
	# vendor (and so the p2p mapper's decision) as they are.
	args+=(-cpu "${cpu:-qemu64,+rdrand}")
	if [ -n "$qemu_trace" ]; then
		local event
		for event in ${qemu_trace//,/ }; do
			args+=(-trace "enable=$event")
		done
		args+=(-D "$dir/qemu-trace.log")
	fi
	echo "qemu-system-x86_64 ${args[*]}" >"$dir/qemu.cmdline"
	timeout -k 10 "$timeout" qemu-system-x86_64 "${args[@]}" \
		>"$dir/qemu.log" 2>&1 </dev/null &
}

# report_splats OUT LOG...: the kernel's complaints in the logs go to OUT
# and, the first 20 of them, to stdout; true if there were any.
report_splats() {
	local out=$1
	shift
	# The serial console ends its lines with CR.
	grep -Eh "$SPLAT" "$@" 2>/dev/null | grep -Fv "$NOT_SPLAT" |
		tr -d '\r' >"$out"
	[ -s "$out" ] || return 1
	sort -u "$out" | head -20
}

# boot_splats DIR: report_splats over everything one boot in DIR logged:
# its console, its final kernel log and its kmemleak scan, if it had one.
boot_splats() {
	local dir=$1 logs=("$1/console.log" "$1/dmesg.log")
	[ -f "$dir/kmemleak.log" ] && logs+=("$dir/kmemleak.log")
	report_splats "$dir/splats.log" "${logs[@]}"
}
