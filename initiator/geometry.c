// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The queue and namespace geometry a target announces, and the requests
 * that fit it: block ranges inside the namespace, cut into commands no
 * larger than the target's transfer limit (its controller's MDTS).
 */
#include <errno.h>

#include "private.h"

int dbi_geometry_check(const struct db_ready *r, uint32_t *max_blocks)
{
	/* Blocks of 512 bytes to 4 KiB, a power of two: NVMe's LBA formats. */
	if (r->block_size < 512 || r->block_size > 4096 ||
	    (r->block_size & (r->block_size - 1)))
		return -EPROTO;
	if (r->depth < 2 || r->depth > DBI_MAX_DEPTH ||
	    r->max_transfer > DBI_MAX_TRANSFER ||
	    r->max_transfer < r->block_size || r->slot_size < r->max_transfer)
		return -EPROTO;
	*max_blocks = r->max_transfer / r->block_size;
	return 0;
}

int dbi_extent_check(const struct db_ready *r, uint64_t slba, uint32_t nblocks)
{
	if (!nblocks)
		return -EINVAL;
	/* Written so that slba + nblocks cannot wrap around. */
	if (slba >= r->blocks || nblocks > r->blocks - slba)
		return -ERANGE;
	return 0;
}

uint32_t dbi_chunk_blocks(uint32_t nblocks, uint32_t max_blocks)
{
	return nblocks < max_blocks ? nblocks : max_blocks;
}
