#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test VM kernel: Debian's linux-source-6.12, plus kernel/patches,
# configured as tinyconfig + kernel/config/vm.config (+ debug.config).
#
#   kernel/build.sh [--variant vm|debug]         build the series, cached
#   kernel/build.sh [--variant vm|debug] --tree  build the tree as it is
#   kernel/build.sh --export                     tree commits -> kernel/patches
#   kernel/build.sh [--variant vm|debug] --cached the cached build, or exit 1
#
# The last line on stdout is the path of the bzImage.  Everything else
# (progress, errors) goes to stderr.  The test-only modules of tests/kmod
# are built against the same tree into kmod/ beside the bzImage, unless
# DOORBELL_NO_TEST_MODULES is set; the kernel's own modules go there too.
#
# Series builds are cached under $DOORBELL_CACHE/kernel, keyed by the
# source package version, the patches, the fragments and this script, so an
# unchanged kernel is never built twice.  The git tree and object
# directories live under $DOORBELL_WORK/kernel and make rebuilds incremental.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC_TAR=/usr/src/linux-source-6.12.tar.xz
SRC_PKG=linux-source-6.12
WORK=${DOORBELL_WORK:-/var/tmp/doorbell}/kernel
CACHE=${DOORBELL_CACHE:-/var/cache/doorbell}/kernel
TREE=$WORK/linux
JOBS=${JOBS:-$(nproc)}

variant=vm
mode=series
while [ $# -gt 0 ]; do
	case "$1" in
	--variant) variant=${2:?--variant needs vm or debug}; shift ;;
	--tree) mode=tree ;;
	--export) mode="export" ;;
	--cached) mode=cached ;;
	-h|--help) sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "build.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done

case "$variant" in
vm) fragments=("$HERE/config/vm.config") ;;
debug) fragments=("$HERE/config/vm.config" "$HERE/config/debug.config") ;;
*) echo "build.sh: variant must be vm or debug, not '$variant'" >&2; exit 2 ;;
esac

say() { echo "kernel[$variant]: $*" >&2; }
die() { echo "kernel[$variant]: error: $*" >&2; exit 1; }

src_version() {
	dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null ||
		die "$SRC_PKG is not installed (run buildlib/setup-debian.sh)"
}

# Extract the source once and make it a git tree with a 'base' tag.
ensure_tree() {
	[ -d "$TREE/.git" ] && return
	[ -r "$SRC_TAR" ] || die "$SRC_TAR missing (run buildlib/setup-debian.sh)"
	say "extracting $SRC_TAR"
	rm -rf "$WORK/extract"
	mkdir -p "$WORK/extract"
	tar -C "$WORK/extract" -xf "$SRC_TAR"
	mv "$WORK/extract/linux-source-6.12" "$TREE"
	rmdir "$WORK/extract"
	say "creating git tree $TREE"
	git -C "$TREE" init -q
	git -C "$TREE" config user.name "doorbell build"
	git -C "$TREE" config user.email "build@doorbell.invalid"
	# Debian's tarball ignores every top-level path ("/*"), which would
	# hide new files from git; drop that block so the tree acts like
	# upstream's.  The build does not read .gitignore.
	sed -i '/^# Debian packaging/,$d' "$TREE/.gitignore"
	git -C "$TREE" add -A
	git -C "$TREE" commit -q -m "Linux $SRC_PKG $(src_version)"
	git -C "$TREE" tag base
}

# Put branch 'series' at base + kernel/patches.  A developer's own branches
# are left alone, but uncommitted edits would be lost, so refuse them.
checkout_series() {
	if [ -n "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]; then
		die "$TREE has uncommitted changes; commit them or use --tree"
	fi
	git -C "$TREE" checkout -q -B series base
	local patches=("$HERE"/patches/*.patch)
	if [ -e "${patches[0]}" ]; then
		say "applying ${#patches[@]} patches"
		git -C "$TREE" am -q --keep-cr "${patches[@]}" ||
			{ git -C "$TREE" am --abort; die "git am failed"; }
	fi
}

# fragments_missing OBJ: print each fragment setting that OBJ's .config
# lacks.  Kconfig drops a symbol silently when its dependencies are
# missing, and syncconfig drops one that a checked-out commit does not
# know yet, so this is checked on every build, not only after configuring.
fragments_missing() {
	local obj=$1 line sym val
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		sym=${line%%=*}
		val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$sym=" "$obj/.config" && echo "$sym should be off"
		elif ! grep -qx "$sym=$val" "$obj/.config"; then
			echo "$sym=$val did not stick"
		fi
	done < <(fragment_settings)
}

# fragment_settings: each symbol the fragments set, with the value of
# the last fragment that sets it (debug.config overrides vm.config), as
# merge_config.sh applies them.
fragment_settings() {
	cat "${fragments[@]}" | awk -F= '/^CONFIG_[A-Za-z0-9_]*=/ {
		if (!($1 in value))
			order[++n] = $1
		value[$1] = $0
	}
	END { for (i = 1; i <= n; i++) print value[order[i]] }'
}

# Configure the object directory unless its .config already holds the
# fragments as they are now.
configure() {
	local obj=$1 stamp missing
	stamp=$(cat "${fragments[@]}" | sha256sum | cut -d' ' -f1)
	if [ -f "$obj/.config" ] &&
	   [ "$(cat "$obj/.fragments" 2>/dev/null)" = "$stamp" ] &&
	   [ -z "$(fragments_missing "$obj")" ]; then
		return
	fi
	say "configuring: tinyconfig + ${fragments[*]##*/}"
	make -C "$TREE" O="$obj" -s tinyconfig >/dev/null
	KCONFIG_CONFIG="$obj/.config" "$TREE/scripts/kconfig/merge_config.sh" \
		-m -O "$obj" "$obj/.config" "${fragments[@]}" >"$obj/merge.log" 2>&1
	make -C "$TREE" O="$obj" -s olddefconfig >/dev/null
	missing=$(fragments_missing "$obj")
	# A --tree build may be a commit in the middle of the series, before
	# the patch that adds a symbol; only the series build must be exact.
	if [ -n "$missing" ]; then
		echo "$missing" | while IFS= read -r line; do say "$line"; done
		[ "$mode" = tree ] || die "config fragments do not apply cleanly"
		say "warning: config fragments do not apply cleanly"
	fi
	echo "$stamp" >"$obj/.fragments"
}

# children_cpu: the CPU seconds of this shell's children that have ended.
children_cpu() {
	local stat
	read -r stat </proc/$$/stat
	# Fields 16 and 17 (cutime, cstime) in clock ticks, after "pid (comm)".
	read -r -a stat <<<"${stat##*) }"
	echo $(((stat[13] + stat[14]) / $(getconf CLK_TCK)))
}

build() {
	local obj=$WORK/obj-$variant start cpu
	mkdir -p "$obj"
	configure "$obj"
	start=$(date +%s)
	cpu=$(children_cpu)
	say "building bzImage with $JOBS jobs (log: $obj/build.log)"
	set +o pipefail
	# 'modules' writes Module.symvers, which external modules link against.
	make -C "$TREE" O="$obj" -j"$JOBS" bzImage modules 2>&1 | tee "$obj/build.log" |
		awk -v count="$obj/.objects-built" '/^  (CC|AR|LD|AS) /{
			if (++n % 400 == 0)
				printf "kernel: %d objects built\n", n > "/dev/stderr" }
			END { print n + 0 > count }'
	local rc=${PIPESTATUS[0]}
	set -o pipefail
	if [ "$rc" -ne 0 ]; then
		grep -E 'error|Error' "$obj/build.log" | head -20 >&2
		die "make failed (see $obj/build.log)"
	fi
	BUILD_SECONDS=$(($(date +%s) - start))
	BUILD_CPU=$(($(children_cpu) - cpu))
	BUILD_OBJECTS=$(cat "$obj/.objects-built")
	say "built in $BUILD_SECONDS s, $BUILD_CPU s of CPU"
	BZIMAGE=$obj/arch/x86/boot/bzImage
	build_test_modules "$obj" "$(dirname "$BZIMAGE")/kmod"
	copy_kernel_modules "$obj" "$(dirname "$BZIMAGE")/kmod"
}

# copy_kernel_modules OBJ OUT: the kernel's own modules (the few that
# vm.config leaves =m, for a test to load on demand) beside the test
# modules.
copy_kernel_modules() {
	local obj=$1 out=$2
	mkdir -p "$out"
	find "$obj" -name '*.ko' -not -path "$obj/kmod-src/*" \
		-exec cp {} "$out/" \;
}

# build_test_modules OBJ OUT: tests/kmod against this build, into OUT.
# They are built from a copy so that the source tree stays clean.
build_test_modules() {
	local obj=$1 out=$2 src=$1/kmod-src
	# bisect-check.sh builds commits before the series adds what the
	# modules use; it checks the kernel only.
	[ -n "${DOORBELL_NO_TEST_MODULES:-}" ] && return 0
	rm -rf "$src" "$out"
	cp -r "$HERE/../tests/kmod" "$src"
	make -C "$TREE" O="$obj" M="$src" -j"$JOBS" modules >"$obj/kmod.log" 2>&1 ||
		{ cat "$obj/kmod.log" >&2; die "test modules failed to build"; }
	mkdir -p "$out"
	cp "$src"/*.ko "$out/"
	say "test modules: $(cd "$out" && echo *.ko)"
}

cache_key() {
	{
		echo "$SRC_PKG $(src_version)"
		cat "$HERE"/patches/*.patch 2>/dev/null || true
		cat "${fragments[@]}" "$0" "$HERE"/../tests/kmod/*
	} | sha256sum | cut -c1-16
}

# Locks.  Builds share the git tree, and a series build may move its
# branch.  A build compiles holding the tree's lock shared, so the two
# variants compile side by side from one checkout; a checkout holds it
# alone, so that no build compiles a tree it is rewriting (such as
# another VM test asking for a kernel while the series changes).  Who
# checks out is decided under a lock of its own: a second build waits
# there while the first puts the tree at the series, then finds it so.
# Each variant's object directory has a lock too.  All wait, saying so.

# lock FD FILE shared|exclusive
lock() {
	local how=-s
	[ "$3" = exclusive ] && how=-x
	mkdir -p "$WORK"
	# Opened here, once: a descriptor of the same number inherited
	# from the caller (ninja's, say) would lock nothing.
	case " $LOCKS_OPEN " in
	*" $1 "*) ;;
	*) eval "exec $1>>\"\$WORK/\$2\""; LOCKS_OPEN="$LOCKS_OPEN $1" ;;
	esac
	if ! flock -n "$how" "$1"; then
		say "waiting for another kernel build ($2)"
		flock "$how" "$1"
	fi
}
LOCKS_OPEN=
lock_tree() { lock 9 .lock "$1"; }
lock_checkout() { lock 7 .lock-checkout exclusive; }
unlock_checkout() { flock -u 7; }
lock_variant() { lock 8 ".lock-$variant" exclusive; }

# without_sha: a series as format-patch writes it, less the line that
# names each commit, which differs between two applications of a patch,
# and the blob names of its index lines, whose abbreviation grows with
# the repository.
without_sha() {
	sed -e '/^From [0-9a-f]\{40\} /d' -e 's/^index [0-9a-f.]*/index/'
}

# tree_at_series: the tree is on branch series, its commits are today's
# kernel/patches, and nothing is changed since.  A build then leaves it
# alone: applying the series again would touch every file the series
# changes, and each variant's next build would recompile what includes
# them.
tree_at_series() {
	[ -d "$TREE/.git" ] &&
	[ "$(git -C "$TREE" symbolic-ref -q HEAD)" = refs/heads/series ] &&
	[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] &&
	[ "$(series_of_tree)" = \
	  "$(cat "$HERE"/patches/*.patch 2>/dev/null | without_sha | sha256sum)" ]
}

# format_series DIR: the tree's commits past base as patches in DIR, as
# kernel/patches holds them.
format_series() {
	git -C "$TREE" format-patch -q --no-signature -o "$1" base..HEAD
}

# series_of_tree: the digest of the tree's commits past base, exported as
# --export would write them.
series_of_tree() {
	local dir
	dir=$(mktemp -d)
	format_series "$dir"
	cat "$dir"/*.patch 2>/dev/null | without_sha | sha256sum
	rm -rf "$dir"
}

case "$mode" in
export)
	[ -d "$TREE/.git" ] || die "no kernel tree at $TREE yet"
	rm -f "$HERE"/patches/*.patch
	format_series "$HERE/patches"
	ls "$HERE"/patches/*.patch 2>/dev/null || say "no commits past base"
	exit 0
	;;
tree)
	lock_variant
	lock_checkout
	[ -d "$TREE/.git" ] || { lock_tree exclusive; ensure_tree; }
	lock_tree shared
	unlock_checkout
	build
	echo "$BZIMAGE"
	;;
cached)
	out=$CACHE/$variant-$(cache_key)
	[ -f "$out/bzImage" ] || exit 1
	echo "$out/bzImage"
	;;
series)
	key=$(cache_key)
	out=$CACHE/$variant-$key
	for pass in unlocked locked; do
		if [ -f "$out/bzImage" ]; then
			say "cached ($out)"
			echo "$out/bzImage"
			exit 0
		fi
		[ "$pass" = unlocked ] && lock_variant
	done
	lock_checkout
	if tree_at_series; then
		lock_tree shared
	else
		lock_tree exclusive
		ensure_tree
		checkout_series
		lock_tree shared
	fi
	unlock_checkout
	build
	mkdir -p "$CACHE"
	rm -rf "$out.tmp"
	mkdir "$out.tmp"
	cp -r "$BZIMAGE" "$(dirname "$BZIMAGE")/kmod" "$WORK/obj-$variant/.config" "$out.tmp/"
	# How long make took, its CPU time, which other work beside the
	# build does not change, and how many objects it built: with the
	# tree left at the series, a build may be incremental, and its time
	# then says nothing of the machine.  buildlib/machine-speed.sh
	# reports them.
	echo "$BUILD_SECONDS $BUILD_CPU $BUILD_OBJECTS" >"$out.tmp/build-seconds"
	mv "$out.tmp" "$out"
	echo "$out/bzImage"
	;;
esac
