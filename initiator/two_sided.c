// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A command the target's CPU runs: SEND it, with the place of our data
 * buffer; the target pulls or pushes the data with RDMA and SENDs the
 * completion back.
 */
#include <errno.h>
#include <string.h>

#include "private.h"

int dbi_remote_command(struct dbi_session *s, const struct dbi_cmd *cmd,
		       uint64_t slba, uint32_t nblocks)
{
	/* The target's thread moves the data to or from here by RDMA. */
	void *at = cmd->ubuf ? cmd->buf : s->stage->data;
	uint32_t rkey = cmd->ubuf ? cmd->ubuf->mr->rkey : s->stage_mr->rkey;
	bool staged = cmd->buf && !cmd->ubuf;
	struct db_msg msg = {
		.magic = DB_PROTO_MAGIC, .type = DB_MSG_COMMAND,
		.tag = s->next_tag++,
		.command = {
			.opcode = cmd->opcode, .nblocks = nblocks, .slba = slba,
			.addr = (uintptr_t)at, .rkey = rkey,
			.length = cmd->bytes,
		},
	};
	int ret;

	if (cmd->opcode == NVME_CMD_WRITE && staged) {
		memcpy(s->stage->data, cmd->buf, cmd->bytes);
		s->stats.copied_bytes += cmd->bytes;
	}
	ret = dbi_send(s, &msg);
	if (!ret)
		ret = dbi_recv_wait(s, DB_MSG_RESPONSE, &msg);
	if (ret)
		return ret;
	if (msg.response.status)
		return msg.response.status;
	if (cmd->opcode == NVME_CMD_READ && staged) {
		memcpy(cmd->buf, s->stage->data, cmd->bytes);
		s->stats.copied_bytes += cmd->bytes;
	}
	return 0;
}
