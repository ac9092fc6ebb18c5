// SPDX-License-Identifier: GPL-2.0
/*
 * The rules an initiator's messages must keep (see checks.h).  Each
 * failure is the initiator's fault: the caller refuses the connection,
 * drops the session or answers Invalid Field in Command.
 */
#include <errno.h>

#include "checks.h"
#include "nvme_spec.h"

int target_check_connect(const struct db_connect_req *req,
			 unsigned int max_depth)
{
	if (!req || req->magic != DB_PROTO_MAGIC ||
	    req->version != DB_PROTO_VERSION)
		return -EPROTO;
	if (req->mode < DB_MODE_ONE_SIDED || req->mode > DB_MODE_MAX ||
	    req->depth == 1 || req->depth > max_depth)
		return -EINVAL;
	return 0;
}

unsigned int target_session_depth(const struct db_connect_req *req,
				  unsigned int max_depth)
{
	return req->depth ? req->depth : max_depth;
}

bool target_ring_valid(uint16_t sq_tail, uint16_t cq_head, uint16_t depth)
{
	return sq_tail < depth && cq_head < depth;
}

uint16_t target_command_status(const struct db_command *c,
			       uint32_t max_transfer, unsigned int lba_shift)
{
	switch (c->opcode) {
	case NVME_CMD_FLUSH:
		return 0;
	case NVME_CMD_READ:
	case NVME_CMD_WRITE:
		break;
	default:
		return NVME_SC_INVALID_OPCODE;
	}
	/* In range first, so that the byte count cannot overflow. */
	if (!c->nblocks || c->nblocks > max_transfer >> lba_shift ||
	    c->length < c->nblocks << lba_shift)
		return NVME_SC_INVALID_FIELD;
	return 0;
}
