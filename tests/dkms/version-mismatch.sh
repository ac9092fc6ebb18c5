#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module build refuses headers of another Debian version than the
# linux-source-6.12 it patches, and says which package to install.  The
# headers are Debian's own of an older 6.12 release (unpacked by
# tests/vm/debian-package.sh, never installed), as a user who upgraded the
# source package but still runs the older kernel has them.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)

fail() { echo "FAIL: $*" >&2; exit 1; }

version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
# Another 6.12 release of Debian 12's headers than the source's.
other=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
	cut -d' ' -f1 | grep -vx "linux-headers-${version%%-*}+deb12-amd64" |
	sort -V | tail -n1)
[ -n "$other" ] || fail "apt knows no other linux-headers-6.12.*+deb12-amd64"
release=${other#linux-headers-}
# What the archive says of the package, not what the build reads from it.
other_version=$(apt-cache show --no-all-versions "$other" |
	sed -n 's/^Version: //p')
[ -n "$other_version" ] || fail "apt has no version of $other"
dir=$("$SRC/tests/vm/debian-package.sh" "$other" "$other_version" | tail -n1)
kdir=$dir/usr/src/$other

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
