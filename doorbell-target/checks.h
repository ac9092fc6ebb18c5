/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the target accepts from an initiator: a connect request, a ring
 * message, a two-sided command.  Pure checks on the message and the
 * queue's geometry, so that every rule is in one place (checks.c).
 */
#ifndef DOORBELL_TARGET_CHECKS_H
#define DOORBELL_TARGET_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

#include "doorbell_proto.h"

/*
 * 0 for a request the target may serve with queues of up to @max_depth
 * entries; -EPROTO for no request or one of another protocol or version;
 * -EINVAL for an unknown mode or a depth of 1 or over @max_depth (0 asks
 * for the largest).
 */
int target_check_connect(const struct db_connect_req *req,
			 unsigned int max_depth);

/*
 * The depth of the queue that serves a checked request: what it asked
 * for, or @max_depth when it asked for 0.
 */
unsigned int target_session_depth(const struct db_connect_req *req,
				  unsigned int max_depth);

/* A ring of SQ tail @sq_tail and CQ head @cq_head fits a @depth queue. */
bool target_ring_valid(uint16_t sq_tail, uint16_t cq_head, uint16_t depth);

/*
 * The NVMe status a two-sided command is refused with, 0 if it may go to
 * the controller.  Only Read, Write and Flush are served: any other
 * opcode gets Invalid Command Opcode, since an admin-like or vendor
 * command would act on the shared namespace behind the target's back.
 * A Read or Write moves 1 to @max_transfer bytes in blocks of
 * 1 << @lba_shift, and the initiator's buffer holds them, else Invalid
 * Field in Command; a Flush moves nothing, so its fields are not looked
 * at.
 */
uint16_t target_command_status(const struct db_command *c,
			       uint32_t max_transfer, unsigned int lba_shift);

#endif /* DOORBELL_TARGET_CHECKS_H */
