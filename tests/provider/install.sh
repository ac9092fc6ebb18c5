#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installed like a distribution would (prefix /usr), dbrxe serves rxe
# devices with no per-application variable: once through the installed
# environment snippet, and once with Debian's rxe.driver diverted.
. tests/vm/lib/all.sh

rxe_loopback
unset RDMAV_DRIVERS
b=/tmp/dbrxe-build
cmake -S "$DOORBELL_SRC" -B "$b" -G Ninja -DDOORBELL_VM_TESTS=OFF \
	-DCMAKE_INSTALL_PREFIX=/usr >/dev/null || fail "configure"
cmake --build "$b" --target dbrxe >/dev/null || fail "build"
cmake --install "$b" --component provider >/dev/null || fail "install"
so=/usr/lib/x86_64-linux-gnu/libibverbs/libdbrxe-rdmav34.so
[ -f "$so" ] || fail "$so not installed"
grep -qx "driver dbrxe" /etc/libibverbs.d/dbrxe.driver || fail "dbrxe.driver"

# 1. The environment snippet, as a login shell reads it.
(
	. /etc/profile.d/dbrxe.sh
	mv /etc/libibverbs.d/rxe.driver /tmp/rxe.driver.away
	mv /etc/libibverbs.d/dbrxe.driver /tmp/dbrxe.driver.away
	# Neither driver file is left: only RDMAV_DRIVERS can find dbrxe.
	ibv_devinfo -d rxe0 | grep -q PORT_ACTIVE || fail "profile.d selection"
	mv /tmp/rxe.driver.away /etc/libibverbs.d/rxe.driver
	mv /tmp/dbrxe.driver.away /etc/libibverbs.d/dbrxe.driver
) || exit 1
log "ok: /etc/profile.d/dbrxe.sh selects the installed dbrxe"

# 2. librxe's driver file diverted: dbrxe is the only rxe provider left.
# The diverted file must leave the directory: libibverbs reads every file
# in it, whatever its name.
dpkg-divert --quiet --rename --divert /etc/librxe.driver.diverted \
	--add /etc/libibverbs.d/rxe.driver || fail "dpkg-divert"
ibv_devinfo -d rxe0 | grep -q PORT_ACTIVE || fail "selection by diversion"
mv /etc/libibverbs.d/dbrxe.driver /tmp/
ibv_devinfo -d rxe0 >/dev/null 2>&1 && fail "rxe0 opened with no provider left"
log "ok: with rxe.driver diverted, the installed dbrxe.driver serves rxe0"
