#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-names.sh MANDIR MAP...: every symbol a library's version script
# exports has a section 3 page in MANDIR, the page that documents it or an
# alias (".so man3/PAGE.3") to a page that exists and names it.
set -u
mandir=$1
shift
bad=0 n=0
for map in "$@"; do
	for sym in $(sed -n '/global:/,/local:/s/^[[:space:]]*\([a-z_0-9]*\);$/\1/p' "$map"); do
		n=$((n + 1))
		page=$mandir/$sym.3
		if [ ! -f "$page" ]; then
			echo "FAIL: $sym ($map) has no man page" >&2
			bad=1
			continue
		fi
		target=$(sed -n 's|^\.so man3/||p' "$page")
		if [ -n "$target" ]; then
			if [ ! -f "$mandir/$target" ]; then
				echo "FAIL: $sym.3 points at $target, which is missing" >&2
				bad=1
				continue
			fi
			page=$mandir/$target
		fi
		# The NAME section of the page names the function.
		sed -n '/^\.SH NAME/,/^\.SH/p' "$page" | tr -d '\\' |
			grep -qw -- "$sym" || {
			echo "FAIL: ${page##*/} does not name $sym" >&2
			bad=1
		}
	done
done
[ "$n" -gt 0 ] || { echo "FAIL: no exported symbols found" >&2; exit 1; }
[ $bad = 0 ] && echo "ok: $n exported functions, each with a man page name"
exit $bad
