// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The initiator's view of its completion queue on the target: which
 * command a CQE snapshot completes, the head and phase that move past
 * it, when the head goes back to the controller, and the identifiers
 * that keep torn snapshots apart from completions.  Pure arithmetic on
 * what RDMA READs brought back, apart from the verbs.
 */
#include "private.h"

/* The slot of the command in flight with identifier @cid, or -1. */
static int cmd_slot(const struct dbi_session *s, uint16_t cid)
{
	unsigned int i;

	for (i = 0; i < s->ready.depth; i++)
		if (dbi_cmd_in_flight(&s->cmds[i]) && s->cmds[i].cid == cid)
			return i;
	return -1;
}

enum dbi_cqe_verdict dbi_cqe_check(const struct dbi_session *s,
				   const struct dbnvme_cqe *cqe, uint8_t phase,
				   unsigned int *rereads, unsigned int *slot)
{
	int i;

	if (NVME_CQE_PHASE(cqe->status) != phase)
		return DBI_CQE_NOT_YET;
	i = cmd_slot(s, cqe->cid);
	if (i >= 0) {
		*slot = i;
		return DBI_CQE_OURS;
	}
	/*
	 * New phase, an identifier of no command in flight: a torn read of
	 * the entry being written, or the completion of a command that is
	 * not ours.  Only a few rereads tell the two apart.
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
	 * The controller sees every entry it wrote as taken until the head
	 * doorbell returns it: the unreturned ones, those of the commands
	 * in flight and the next command's must leave one entry free.
	 */
	if (!s->cq_unrung || (s->cq_unrung < s->ready.depth / 2 &&
			      s->cq_unrung + s->nr_busy + 1u < s->ready.depth))
		return false;
	s->cq_head_rung = s->cq_head;
	s->cq_unrung = 0;
	return true;
}

uint16_t dbi_next_cid(struct dbi_session *s)
{
	uint16_t cid;

	do
		cid = ++s->next_cid;
	while (!cid || cmd_slot(s, cid) >= 0);
	return cid;
}
