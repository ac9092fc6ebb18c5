#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module build refuses headers of another Debian version than the
# linux-source-6.12 it patches, and says which package to install.  The
# headers are Debian's own of an older 6.12 release (fetched with
# apt-get download, cached, never installed), as a user who upgraded the
# source package but still runs the older kernel has them.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${DOORBELL_CACHE:-/var/cache/doorbell}/debian

fail() { echo "FAIL: $*" >&2; exit 1; }

version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
# Another 6.12 release of Debian 12's headers than the source's.
other=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
	cut -d' ' -f1 | grep -vx "linux-headers-${version%%-*}+deb12-amd64" |
	sort -V | tail -n1)
[ -n "$other" ] || fail "apt knows no other linux-headers-6.12.*+deb12-amd64"
release=${other#linux-headers-}
dir=$CACHE/$other
if [ ! -e "$dir/.done" ]; then
	tmp=$(mktemp -d "$CACHE/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q "$other" >&2) ||
		fail "cannot download $other"
	dpkg-deb -x "$tmp"/"$other"_*.deb "$tmp/root"
	rm -rf "$dir"
	mv "$tmp/root" "$dir"
	touch "$dir/.done"
fi
kdir=$dir/usr/src/$other
other_version=$(sed -n 's/^#define LINUX_PACKAGE_ID " Debian \(.*\)"$/\1/p' \
	"$kdir/include/generated/package.h")
[ -n "$other_version" ] || fail "$other has no Debian package id"

rc=0
out=$("$SRC/kernel/dkms/build-modules.sh" -k "$release" -b "$kdir" \
	-o "$(mktemp -d)" 2>&1) || rc=$?
echo "$out"
[ "$rc" = 1 ] || fail "build-modules.sh exited $rc, not 1"
want="install linux-source-6.12=$other_version"
grep -qF "$want" <<<"$out" || fail "no '$want' in its message"
grep -qF "is Debian $other_version, but linux-source-6.12 is $version" <<<"$out" ||
	fail "the message does not name both versions"
grep -q "extracting\|building" <<<"$out" && fail "it went on to build"
echo "ok: $release ($other_version) refused against linux-source-6.12 $version"
