// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reads and writes of any length, as commands of max_transfer. */
#include <errno.h>

#include "private.h"

static int dbi_command(struct dbi_session *s, uint8_t opcode, uint64_t slba,
		       uint32_t nblocks, void *data)
{
	if (s->mode == DB_MODE_TWO_SIDED_BUSY ||
	    s->mode == DB_MODE_TWO_SIDED_EVENT)
		return dbi_remote_command(s, opcode, slba, nblocks, data);
	return dbi_queue_command(s, opcode, slba, nblocks, data);
}

static int dbi_rw(struct dbi_session *s, uint8_t opcode, uint64_t slba,
		  uint32_t nblocks, uint8_t *buf)
{
	uint32_t n;
	int ret;

	if (!s || !buf)
		return -EINVAL;
	ret = dbi_extent_check(&s->ready, slba, nblocks);
	if (ret)
		return ret;
	while (nblocks) {
		n = dbi_chunk_blocks(nblocks, s->max_blocks);
		ret = dbi_command(s, opcode, slba, n, buf);
		if (ret)
			return ret;
		slba += n;
		nblocks -= n;
		buf += (size_t)n * s->ready.block_size;
	}
	return 0;
}

int dbi_write(struct dbi_session *s, uint64_t slba, uint32_t nblocks,
	      const void *buf)
{
	return dbi_rw(s, NVME_CMD_WRITE, slba, nblocks, (void *)buf);
}

int dbi_read(struct dbi_session *s, uint64_t slba, uint32_t nblocks, void *buf)
{
	return dbi_rw(s, NVME_CMD_READ, slba, nblocks, buf);
}

int dbi_flush(struct dbi_session *s)
{
	if (!s)
		return -EINVAL;
	return dbi_command(s, NVME_CMD_FLUSH, 0, 0, NULL);
}

int dbi_read_in_place(struct dbi_session *s, uint64_t slba, uint32_t nblocks)
{
	int ret;

	if (!s || nblocks > s->max_blocks)
		return -EINVAL;
	ret = dbi_extent_check(&s->ready, slba, nblocks);
	if (ret)
		return ret;
	return dbi_command(s, NVME_CMD_READ, slba, nblocks, NULL);
}
