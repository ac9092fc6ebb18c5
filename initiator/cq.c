// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The initiator's view of its completion queue on the target: which CQE
 * a snapshot shows, and the head and phase that move past it.  Pure
 * arithmetic on what an RDMA READ brought back, apart from the verbs.
 */
#include "private.h"

enum dbi_cqe_verdict dbi_cqe_check(const struct dbnvme_cqe *cqe, uint8_t phase,
				   uint16_t cid, unsigned int *rereads)
{
	if (NVME_CQE_PHASE(cqe->status) != phase)
		return DBI_CQE_NOT_YET;
	if (cqe->cid == cid)
		return DBI_CQE_OURS;
	/*
	 * New phase, other identifier: a torn read of the entry being
	 * written, or the completion of a command that is not ours.  Only
	 * a few rereads tell the two apart.
	 */
	if (++*rereads > DBI_CQE_REREADS)
		return DBI_CQE_FOREIGN;
	return DBI_CQE_NOT_YET;
}

void dbi_cq_consume(struct dbi_session *s)
{
	if (++s->cq_head == s->ready.depth) {
		s->cq_head = 0;
		s->phase ^= 1;
	}
	s->cq_unrung++;
}

bool dbi_cq_head_due(struct dbi_session *s)
{
	/*
	 * Consumed CQ slots go back to the controller in batches of half
	 * the queue, as drivers do: one command is out at a time, so the
	 * CQ never fills before that.
	 */
	if (s->cq_unrung < s->ready.depth / 2)
		return false;
	s->cq_head_rung = s->cq_head;
	s->cq_unrung = 0;
	return true;
}
