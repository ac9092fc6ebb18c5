#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# plain-install.sh SRC WORK: a user's first build, as the README gives it,
# on a host without pandoc:
#   cmake -B b && cmake --build b && cmake --install b --prefix /tmp/x
# It must build user space only (no kernel, no VM test) and install the
# libraries, their headers and pkg-config files, and the programs under
# the prefix; a program then builds against each installed library.
#
# pandoc is hidden by a bind mount in a mount namespace of this script's
# own, and the install goes to DESTDIR=WORK/root, so that the host is
# left as it was: the provider's files go where the system's libibverbs
# looks, outside any prefix, and are checked there under DESTDIR.
set -euo pipefail

src=$1
work=$2
b=$work/b
root=$work/root
prefix=/tmp/x

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

if [ "${PLAIN_INSTALL_NS:-}" != 1 ]; then
	rm -rf "$work"
	mkdir -p "$work"
	pandoc=$(command -v pandoc || true)
	if [ -n "$pandoc" ]; then
		: >"$work/no-pandoc"
		exec unshare -m env PLAIN_INSTALL_NS=1 bash -c \
			'mount --bind "$1/no-pandoc" "$2" && exec "$0" "${@:3}"' \
			"$0" "$work" "$pandoc" "$src" "$work"
	fi
	export PLAIN_INSTALL_NS=1
fi

cmake -S "$src" -B "$b" >"$work/configure.log" 2>&1 ||
	{ cat "$work/configure.log"; fail "configure"; }
grep -q "pandoc not found: man pages are not built" "$work/configure.log" ||
	fail "configure gave no notice that the man pages are skipped"
echo "ok: configured without pandoc, with a notice"

# No kernel target exists, and the build runs none.
if cmake --build "$b" --target help | grep -E '(^|[ .])kernel-'; then
	fail "a plain configure has kernel targets"
fi
cmake --build "$b" -j "$(nproc)" >"$work/build.log" 2>&1 ||
	{ tail -n 30 "$work/build.log"; fail "build"; }
if grep -E 'kernel/build\.sh|debian-image\.sh|debian-dkms\.sh' "$work/build.log"; then
	fail "the plain build ran a kernel build"
fi
echo "ok: built user space only ($(grep -c 'Building C object' "$work/build.log") objects)"

DESTDIR=$root cmake --install "$b" --prefix "$prefix" >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log"; fail "install"; }
p=$root$prefix
lib=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$b/CMakeCache.txt")
for f in bin/vfio-dmabuf bin/doorbell-initiator bin/ib_doorbell_lat \
	sbin/doorbell-target include/doorbell_vfio_pci.h \
	include/doorbell_initiator.h "$lib/libdoorbell-vfio-pci.so.0" \
	"$lib/libdoorbell-initiator.so.0" \
	"$lib/pkgconfig/doorbell-vfio-pci.pc" \
	"$lib/pkgconfig/doorbell-initiator.pc"; do
	[ -e "$p/$f" ] || fail "$prefix/$f not installed"
done
if [ -d "$p/share/man" ]; then
	fail "man pages installed without pandoc: $(find "$p/share/man" -type f | head -3)"
fi
# The provider goes where the system's libibverbs loads it from.
ibv_libdir=$(pkg-config --variable=libdir libibverbs)
ls "$root$ibv_libdir"/libibverbs/libdbrxe-rdmav*.so >/dev/null ||
	fail "dbrxe not installed into $ibv_libdir/libibverbs"
echo "ok: installed under $prefix, dbrxe in $ibv_libdir/libibverbs"

# A user's program against each installed library, through pkg-config.
cat >"$work/use.c" <<'EOF'
#include <doorbell_initiator.h>
#include <doorbell_vfio_pci.h>
#include <stdio.h>

int main(void)
{
	struct dbvfio_pci_addr addr;
	char bdf[32];
	enum dbi_mode mode = dbi_mode_parse("one-sided");

	if (!mode || dbvfio_pci_addr_parse("3:0.0", &addr))
		return 1;
	dbvfio_pci_addr_format(&addr, bdf);
	printf("%s %s %s\n", dbi_mode_name(mode), bdf, dbi_strerror(-22));
	return 0;
}
EOF
pc=(env PKG_CONFIG_PATH="$p/$lib/pkgconfig" pkg-config --define-prefix)
# shellcheck disable=SC2046
cc -Wall -Werror -o "$work/use" "$work/use.c" \
	$("${pc[@]}" --cflags --libs doorbell-initiator doorbell-vfio-pci) ||
	fail "a program does not build against the installed headers"
out=$(LD_LIBRARY_PATH=$p/$lib "$work/use") || fail "the program did not run"
echo "ok: a program built with pkg-config's flags runs: $out"
