#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# save-exports.sh DIR: DKMS's POST_BUILD step.  DKMS keeps only the
# modules of a build, but an out-of-tree module that calls one of the
# series' new exports needs the series' headers and the build's
# Module.symvers too.  Keep them in DIR, beside the built modules in the
# DKMS tree, for such a module's build:
#   make M=... NOSTDINC_FLAGS=-IDIR/include \
#        KBUILD_EXTRA_SYMBOLS=DIR/Module.symvers
set -e
[ -n "$1" ] || { echo "usage: save-exports.sh DIR" >&2; exit 2; }
rm -rf "$1"
mkdir -p "$1"
cp -r built/include built/Module.symvers "$1/"
