// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Commands in flight: submit and complete, and the blocking reads and
 * writes of any length on top of them, as commands of max_transfer kept
 * up to the queue's depth in flight.
 */
#include <errno.h>
#include <string.h>

#include "private.h"

/* A free slot for a new command, or -EAGAIN with depth - 1 in flight. */
static int take_slot(struct dbi_session *s)
{
	unsigned int i;

	if (s->nr_busy + 1u >= s->ready.depth)
		return -EAGAIN;
	for (i = 0; i < s->ready.depth; i++)
		if (!s->cmds[i].busy)
			return i;
	return -EAGAIN;
}

static int dbi_submit(struct dbi_session *s, uint8_t opcode, uint64_t slba,
		      uint32_t nblocks, void *buf, uint64_t tag)
{
	struct dbi_cmd *cmd;
	int slot, ret;

	if (!s)
		return -EINVAL;
	if (opcode == NVME_CMD_FLUSH) {
		slba = 0;
		nblocks = 0;
	} else {
		if (nblocks > s->max_blocks)
			return -EINVAL;
		ret = dbi_extent_check(&s->ready, slba, nblocks);
		if (ret)
			return ret;
	}
	slot = take_slot(s);
	if (slot < 0)
		return slot;
	cmd = &s->cmds[slot];
	*cmd = (struct dbi_cmd){
		.opcode = opcode,
		.cid = dbi_next_cid(s),
		.bytes = nblocks * s->ready.block_size,
		.buf = buf,
		.tag = tag,
	};
	if (buf && cmd->bytes)
		cmd->ubuf = dbi_buffer_find(s, buf, cmd->bytes);
	if (dbi_two_sided(s)) {
		/*
		 * The target's thread runs it start to end: done already,
		 * unless the exchange itself failed.
		 */
		ret = dbi_remote_command(s, cmd, slba, nblocks);
		if (ret < 0)
			return ret;
		cmd->status = ret;
		cmd->done = true;
	} else {
		if (opcode == NVME_CMD_WRITE && !cmd->ubuf) {
			memcpy(dbi_slot_data(s, slot), buf, cmd->bytes);
			s->stats.copied_bytes += cmd->bytes;
		}
		ret = dbi_queue_submit(s, slot, slba, nblocks);
		if (ret)
			return ret;
	}
	if (cmd->ubuf)
		cmd->ubuf->users++;
	cmd->busy = true;
	s->nr_busy++;
	return 0;
}

int dbi_submit_read(struct dbi_session *s, uint64_t slba, uint32_t nblocks,
		    void *buf, uint64_t tag)
{
	return dbi_submit(s, NVME_CMD_READ, slba, nblocks, buf, tag);
}

int dbi_submit_write(struct dbi_session *s, uint64_t slba, uint32_t nblocks,
		     const void *buf, uint64_t tag)
{
	if (!buf)
		return -EINVAL;
	return dbi_submit(s, NVME_CMD_WRITE, slba, nblocks, (void *)buf, tag);
}

/* Hand back up to @max completed commands and free their slots. */
static int collect(struct dbi_session *s, struct dbi_completion *done,
		   unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->ready.depth && n < max; i++) {
		struct dbi_cmd *cmd = &s->cmds[i];

		if (!cmd->busy || !cmd->done)
			continue;
		done[n++] = (struct dbi_completion){ .tag = cmd->tag,
						     .status = cmd->status };
		if (cmd->ubuf)
			cmd->ubuf->users--;
		cmd->busy = false;
		s->nr_busy--;
		s->stats.commands++;
	}
	return n;
}

int dbi_complete(struct dbi_session *s, struct dbi_completion *done,
		 unsigned int max)
{
	int n, ret;

	if (!s || !done || !max)
		return -EINVAL;
	n = collect(s, done, max);
	if (n || !s->nr_busy)
		return n;
	ret = dbi_queue_reap(s, max);
	return ret < 0 ? ret : collect(s, done, max);
}

unsigned int dbi_in_flight(const struct dbi_session *s)
{
	return s ? s->nr_busy : 0;
}

/*
 * Run @nblocks at @slba as commands of at most max_blocks, as many in
 * flight as the queue takes.  The first error stops new commands; those
 * in flight are completed before it is returned.
 */
static int dbi_run(struct dbi_session *s, uint8_t opcode, uint64_t slba,
		   uint32_t nblocks, uint8_t *buf)
{
	struct dbi_completion done[DBI_MAX_DEPTH];
	unsigned int in_flight = 0;
	int err = 0, ret, i, n;
	uint32_t chunk;

	/* The blocking calls would take completions not theirs. */
	if (s->nr_busy)
		return -EBUSY;
	do {
		while (!err && nblocks) {
			chunk = dbi_chunk_blocks(nblocks, s->max_blocks);
			ret = dbi_submit(s, opcode, slba, chunk, buf, 0);
			if (ret == -EAGAIN)
				break;
			if (ret) {
				err = ret;
				break;
			}
			in_flight++;
			slba += chunk;
			nblocks -= chunk;
			if (buf)
				buf += (size_t)chunk * s->ready.block_size;
		}
		if (!in_flight)
			break;
		n = dbi_complete(s, done, DBI_MAX_DEPTH);
		if (n < 0)
			return n; /* the session is lost */
		for (i = 0; i < n; i++) {
			in_flight--;
			if (done[i].status && !err)
				err = done[i].status;
		}
	} while (in_flight || (nblocks && !err));
	return err;
}

static int dbi_rw(struct dbi_session *s, uint8_t opcode, uint64_t slba,
		  uint32_t nblocks, void *buf)
{
	int ret;

	if (!s || !buf)
		return -EINVAL;
	ret = dbi_extent_check(&s->ready, slba, nblocks);
	if (ret)
		return ret;
	return dbi_run(s, opcode, slba, nblocks, buf);
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
	return dbi_run(s, NVME_CMD_FLUSH, 0, 1, NULL);
}

int dbi_read_in_place(struct dbi_session *s, uint64_t slba, uint32_t nblocks)
{
	int ret;

	if (!s || nblocks > s->max_blocks)
		return -EINVAL;
	ret = dbi_extent_check(&s->ready, slba, nblocks);
	if (ret)
		return ret;
	return dbi_run(s, NVME_CMD_READ, slba, nblocks, NULL);
}
