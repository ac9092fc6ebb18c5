#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The dbrxe provider through the stock libibverbs: ibv_devinfo -v and our
# verb tests.  Debian's librxe is removed from the guest's
# /etc/libibverbs.d, so a device that opens at all was served by ours.
. tests/vm/lib/all.sh

rxe_two_peers
rxe_use_dbrxe_only
ibv_devinfo -v -d rxea >/tmp/devinfo.txt || fail "ibv_devinfo -v with dbrxe"
grep -E "hca_id|state|max_mr_size" /tmp/devinfo.txt
grep -q "PORT_ACTIVE" /tmp/devinfo.txt || fail "port not ACTIVE in ibv_devinfo"

nvme=$(vfio_bind "$NVME_ID") || exit 1
"$(build_tool provider_test)" rxea "$nvme" || fail "provider_test"
"$(build_tool rc_test)" rxea "$RXE_A_GID" rxeb "$RXE_B_GID"
