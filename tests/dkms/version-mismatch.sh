#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# doorbell-dkms refuses headers of another Debian version than the
# linux-source-6.12 it patches, and says which package to install.  The
# headers are Debian's own of an older 6.12 release (unpacked by
# tests/vm/debian-package.sh, never installed), as a user who upgraded the
# source package but still runs the older kernel has them.  DKMS is asked
# as the kernel's header hook asks it when such headers arrive
# (dkms autoinstall), with the package unpacked (tests/dkms/dkms-pkg.sh).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/buildlib/debian-abi.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }

version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
# Another 6.12 release of Debian 12's headers than the source's.
other=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
	cut -d' ' -f1 | grep -vx "linux-headers-$(debian_abi)" |
	sort -V | tail -n1)
[ -n "$other" ] || fail "apt knows no other linux-headers-6.12.*+deb12-amd64"
release=${other#linux-headers-}
# What the archive says of the package, not what the build reads from it.
other_version=$(apt-cache show --no-all-versions "$other" |
	sed -n 's/^Version: //p')
[ -n "$other_version" ] || fail "apt has no version of $other"
dir=$("$SRC/tests/vm/debian-package.sh" "$other" "$other_version" | tail -n1)
kdir=$dir/usr/src/$other

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$SRC/tests/dkms/dkms-pkg.sh"
dkms_pkg_unpack "$work" >/dev/null || fail "no doorbell-dkms package"
mkdir -p "$work/lib/modules/$release"
dkms_pkg add -m doorbell -v "$DKMS_PKG_VERSION" >/dev/null ||
	fail "dkms add failed"

rc=0
out=$(dkms_pkg autoinstall -k "$release" --kernelsourcedir "$kdir" 2>&1) ||
	rc=$?
echo "$out"
[ "$rc" != 0 ] || fail "dkms autoinstall succeeded for $release"
log=$work/dkms/doorbell/$DKMS_PKG_VERSION/build/make.log
[ -r "$log" ] || fail "no make.log"
msg=$(cat "$log")
echo "$msg"
want="install linux-source-6.12=$other_version"
grep -qF "$want" <<<"$msg" || fail "no '$want' in its message"
grep -qF "is Debian $other_version, but linux-source-6.12 is $version" <<<"$msg" ||
	fail "the message does not name both versions"
grep -q "extracting\|building" <<<"$msg" && fail "it went on to build"
status=$(dkms_pkg status -m doorbell -k "$release")
[[ $status == *": added" || -z $status ]] ||
	fail "dkms status after the refusal: $status"
ls "$work/lib/modules/$release" | grep -q . &&
	fail "something was installed for $release"
echo "ok: $release ($other_version) refused against linux-source-6.12 $version"
