# SPDX-License-Identifier: GPL-2.0
#
# Sourced.  dkms_pkg_unpack DIR and dkms_pkg ARGS...: DKMS as it runs on
# a host with the doorbell-dkms package installed, without installing
# anything on this one.
#
# dkms_pkg_unpack builds the package from the tree (buildlib/build-debs.sh)
# and unpacks it into DIR/pkg; it sets DKMS_PKG_VERSION.  dkms_pkg runs
# dkms in a mount namespace of its own, where the package's /usr/share
# lies over the host's (the version override it installs for DKMS), with
# the package's /usr/src as the source tree, DIR/dkms as the DKMS tree,
# DIR/lib/modules as the module tree, and a signing key of its own in DIR.  The host's /var/lib/dkms, /usr/share and
# /lib/modules stay as they are.

DKMS_PKG_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

dkms_pkg_unpack() {
	DKMS_PKG_DIR=$1
	local deb
	"$DKMS_PKG_SRC/buildlib/build-debs.sh" -A -o "$DKMS_PKG_DIR/debs" || return
	deb=$(echo "$DKMS_PKG_DIR"/debs/doorbell-dkms_*_all.deb)
	[ -r "$deb" ] || {
		echo "dkms-pkg: build-debs.sh made no doorbell-dkms package" >&2
		return 1
	}
	DKMS_PKG_VERSION=$(dpkg-deb -f "$deb" Version)
	dpkg-deb -x "$deb" "$DKMS_PKG_DIR/pkg"
	mkdir -p "$DKMS_PKG_DIR/dkms"
}

dkms_pkg() {
	mok_signing_key=$DKMS_PKG_DIR/mok.key \
	mok_certificate=$DKMS_PKG_DIR/mok.der \
	unshare -m bash -c '
		mount -t overlay -o "lowerdir=$1/usr/share:/usr/share" \
			pkg-share /usr/share || exit 1
		shift
		exec dkms "$@"' _ "$DKMS_PKG_DIR/pkg" \
		--dkmstree "$DKMS_PKG_DIR/dkms" \
		--sourcetree "$DKMS_PKG_DIR/pkg/usr/src" \
		--installtree "$DKMS_PKG_DIR/lib/modules" "$@"
}
