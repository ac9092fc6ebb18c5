// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A command the target's CPU runs: SEND it, with the place of our data
 * buffer; the target pulls or pushes the data with RDMA and SENDs the
 * completion back.
 */
#include <errno.h>
#include <string.h>

#include "private.h"

int dbi_remote_command(struct dbi_session *s, uint8_t opcode, uint64_t slba,
		       uint32_t nblocks, void *data)
{
	uint32_t bytes = nblocks * s->ready.block_size;
	struct db_msg msg = {
		.magic = DB_PROTO_MAGIC, .type = DB_MSG_COMMAND,
		.tag = s->next_tag++,
		.command = {
			.opcode = opcode, .nblocks = nblocks, .slba = slba,
			.addr = (uintptr_t)s->stage->data,
			.rkey = s->stage_mr->rkey, .length = bytes,
		},
	};
	int ret;

	if (opcode == NVME_CMD_WRITE)
		memcpy(s->stage->data, data, bytes);
	ret = dbi_send(s, &msg);
	if (!ret)
		ret = dbi_recv_wait(s, DB_MSG_RESPONSE, &msg);
	if (ret)
		return ret;
	if (msg.response.status)
		return msg.response.status;
	if (opcode == NVME_CMD_READ && data)
		memcpy(data, s->stage->data, bytes);
	return 0;
}
