#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-debs.sh [-A] [-o OUTDIR]: build the project's Debian packages
# from this tree with dpkg-buildpackage, check them with lintian, and put
# the .deb files in OUTDIR (default build/debs), with the build log.  -A
# builds the architecture-independent one only, doorbell-dkms, without
# building user space.
#
# The package is built in a copy of the tree's tracked and unignored
# files, so that a build directory, or a build in progress, is never
# part of it, and dpkg-buildpackage's results beside the copy stay out
# of the tree.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
out=$SRC/build/debs
which=-b
while getopts Ao:h opt; do
	case $opt in
	A) which=-A ;;
	o) out=$OPTARG ;;
	*) sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done

say() { echo "build-debs: $*" >&2; }
die() { echo "build-debs: error: $*" >&2; exit 1; }

for tool in dpkg-buildpackage dh dh_dkms lintian; do
	command -v "$tool" >/dev/null ||
		die "$tool missing: run buildlib/setup-debian.sh"
done
version=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)

work=$(mktemp -d "${TMPDIR:-/tmp}/build-debs.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$work/doorbell-$version
mkdir -p "$tree"
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	# Tracked files deleted in the work tree are left out, as a
	# commit of the tree would leave them.
	git -C "$SRC" ls-files -z --cached --others --exclude-standard |
		(cd "$SRC" && while IFS= read -r -d '' f; do
			[ -e "$f" ] && printf '%s\0' "$f"
		done | tar --null -T - -cf -) | tar -C "$tree" -xf -
else
	tar -C "$SRC" --exclude=./build -cf - . | tar -C "$tree" -xf -
fi

say "building doorbell $version"
(cd "$tree" && dpkg-buildpackage "$which" --no-sign) >"$work/build.log" 2>&1 || {
	cp "$work/build.log" "${out%/}.build.log" 2>/dev/null || true
	tail -n 30 "$work/build.log" >&2
	die "dpkg-buildpackage failed"
}
changes=$(ls "$work"/doorbell_"$version"_*.changes)
say "lintian"
lintian --fail-on error,warning --info "$changes" >&2 ||
	die "lintian found problems"

mkdir -p "$out"
cp "$work/build.log" "$out/build.log"
# Packages of an earlier version would stand beside these and leave a
# glob of one package's name two files to choose from.
for deb in $(sed -n 's/^ [0-9a-f]\{64\} [0-9]* \(.*\.deb\)$/\1/p' "$changes"); do
	rm -f "$out/${deb%%_*}"_*.deb
done
for deb in $(sed -n 's/^ [0-9a-f]\{64\} [0-9]* \(.*\.deb\)$/\1/p' "$changes"); do
	cp "$work/$deb" "$out/"
	say "$out/$deb"
done
