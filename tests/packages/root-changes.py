#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# root-changes.py UPPER LOWER PATH...: what the guest changed below each
# PATH of its root, read from the root overlay's layers (tests/vm/init
# shows them): one sorted line per change,
#   new PATH     a path the root did not have at boot,
#   gone PATH    a path of the host's root removed (a whiteout),
#   opaque PATH  a directory of the host's root replaced whole, which
#                hides every path the host has below it.
# A changed file that was there at boot is no change here: the test
# compares paths, not contents.  Two listings taken before and after a
# step differ exactly where the step added or removed a path.
import os
import stat
import sys


def opaque(path):
    try:
        return os.getxattr(path, "trusted.overlay.opaque") == b"y"
    except OSError:
        return False


def changes(upper, lower, top):
    for dirpath, dirs, files in os.walk(os.path.join(upper, top.lstrip("/"))):
        for name in dirs + files:
            layer_path = os.path.join(dirpath, name)
            path = "/" + os.path.relpath(layer_path, upper)
            st = os.lstat(layer_path)
            if stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
                yield "gone " + path
            elif not os.path.lexists(lower + path):
                yield "new " + path
            elif stat.S_ISDIR(st.st_mode) and opaque(layer_path):
                yield "opaque " + path


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: root-changes.py UPPER LOWER PATH...")
    upper, lower = sys.argv[1], sys.argv[2]
    for layer in (upper, lower):
        if not os.path.isdir(layer):
            sys.exit("root-changes.py: %s: no such overlay layer" % layer)
    lines = set()
    for top in sys.argv[3:]:
        lines.update(changes(upper, lower, top))
    for line in sorted(lines):
        print(line)


main()
