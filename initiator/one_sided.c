// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A command through the initiator's own NVMe queue on the target: the
 * data and the SQE go by RDMA WRITE, the completion comes back by RDMA
 * READ of the CQ.  The SQ tail doorbell is rung by RDMA WRITE into the
 * doorbell window (one-sided) or by a SEND that a target thread turns
 * into a store (the ring modes).
 *
 * One command is out at a time, so the SQ never fills.  The CQ head
 * doorbell is rung lazily, in front of a later command: by an RDMA WRITE
 * in the same chain, or inside the ring message.  A command is one
 * post: data, SQE, ring and the first CQ read go out together, and only
 * the last is signaled.
 */
#include <errno.h>
#include <string.h>

#include "clock.h"
#include "private.h"

enum { WR_CQ_HEAD = 10, WR_DATA, WR_SQE, WR_RING, WR_POLL, WR_FETCH };

static void rdma_wr(struct dbi_session *s, struct ibv_send_wr *wr,
		    struct ibv_sge *sge, uint64_t id, enum ibv_wr_opcode op,
		    void *local, uint32_t len, const struct db_window *win,
		    uint64_t offset)
{
	*sge = (struct ibv_sge){ .addr = (uintptr_t)local,
				 .length = len,
				 .lkey = s->stage_mr->lkey };
	*wr = (struct ibv_send_wr){
		.wr_id = id,
		.sg_list = sge,
		.num_sge = 1,
		.opcode = op,
		.wr.rdma = { .remote_addr = win->addr + offset,
			     .rkey = win->rkey },
	};
}

/*
 * Read the CQE at our head until its phase says it is new and it
 * completes command @cid, each time posted behind whatever @chain holds
 * (the command itself, the first time).  RDMA READs execute after the
 * WRITEs and SENDs before them on the QP, so the first read already sees
 * the command rung.  A Read's data is fetched by a second READ in the
 * same post: it executes after the CQE read, and the controller wrote
 * the data before the CQE.
 */
static int poll_cq_remotely(struct dbi_session *s, struct ibv_send_wr *chain,
			    struct ibv_send_wr **tail, uint32_t fetch_bytes,
			    uint64_t slot, uint16_t cid, struct dbnvme_cqe *cqe)
{
	const struct db_ready *r = &s->ready;
	uint64_t limit = util_now_ms() + s->timeout_ms;
	struct ibv_send_wr poll, fetch;
	unsigned int rereads = 0;
	struct ibv_sge sges[2];
	int ret;

	rdma_wr(s, &poll, &sges[0], WR_POLL, IBV_WR_RDMA_READ, &s->stage->cqe,
		sizeof(*cqe), &r->cq, s->cq_head * sizeof(*cqe));
	if (fetch_bytes) {
		rdma_wr(s, &fetch, &sges[1], WR_FETCH, IBV_WR_RDMA_READ,
			s->stage->data, fetch_bytes, &r->data, slot);
		poll.next = &fetch;
	}
	*tail = &poll;
	for (;;) {
		ret = dbi_post_wait(s, chain);
		if (ret)
			return ret;
		/* One snapshot: the checks and the caller see the same entry. */
		*cqe = s->stage->cqe;
		switch (dbi_cqe_check(cqe, s->phase, cid, &rereads)) {
		case DBI_CQE_OURS:
			dbi_cq_consume(s);
			return 0;
		case DBI_CQE_FOREIGN:
			/* The completion of some other command: not our queue. */
			return -EBADMSG;
		case DBI_CQE_NOT_YET:
			break;
		}
		if (util_now_ms() > limit)
			return -ETIMEDOUT;
		chain = &poll;
	}
}

int dbi_queue_command(struct dbi_session *s, uint8_t opcode, uint64_t slba,
		      uint32_t nblocks, void *data)
{
	const struct db_ready *r = &s->ready;
	uint32_t bytes = nblocks * r->block_size;
	uint64_t slot = (uint64_t)s->sq_tail * r->slot_size;
	struct ibv_send_wr wrs[4], *chain = NULL, **tail = &chain;
	struct ibv_sge sges[4];
	struct dbnvme_cqe cqe;
	uint16_t cid = s->next_cid++;
	unsigned int n = 0;
	bool ring_cq;
	int ret;

	/* The CQ head goes back in batches (dbi_cq_head_due()). */
	ring_cq = dbi_cq_head_due(s);
	if (ring_cq && s->mode == DB_MODE_ONE_SIDED) {
		s->stage->cq_head = s->cq_head_rung;
		rdma_wr(s, &wrs[n], &sges[n], WR_CQ_HEAD, IBV_WR_RDMA_WRITE,
			&s->stage->cq_head, 4, &r->doorbells,
			r->doorbell_stride);
		*tail = &wrs[n];
		tail = &wrs[n++].next;
	}
	if (opcode == NVME_CMD_WRITE) {
		memcpy(s->stage->data, data, bytes);
		rdma_wr(s, &wrs[n], &sges[n], WR_DATA, IBV_WR_RDMA_WRITE,
			s->stage->data, bytes, &r->data, slot);
		*tail = &wrs[n];
		tail = &wrs[n++].next;
	}
	dbnvme_build_io(&s->stage->sqe, opcode, r->nsid,
			__builtin_ctz(r->block_size), slba, nblocks,
			r->data_iova + slot);
	s->stage->sqe.cid = cid;
	rdma_wr(s, &wrs[n], &sges[n], WR_SQE, IBV_WR_RDMA_WRITE, &s->stage->sqe,
		sizeof(struct dbnvme_sqe), &r->sq,
		(uint64_t)s->sq_tail * sizeof(struct dbnvme_sqe));
	*tail = &wrs[n];
	tail = &wrs[n++].next;
	s->sq_tail = (s->sq_tail + 1) % r->depth;

	/*
	 * WRITEs and SENDs on one QP are executed in order, so the ring
	 * lands after the SQE and the data it points at.
	 */
	if (s->mode == DB_MODE_ONE_SIDED) {
		s->stage->sq_tail = s->sq_tail;
		rdma_wr(s, &wrs[n], &sges[n], WR_RING, IBV_WR_RDMA_WRITE,
			&s->stage->sq_tail, 4, &r->doorbells, 0);
	} else {
		s->stage->send = (struct db_msg){
			.magic = DB_PROTO_MAGIC,
			.type = DB_MSG_RING,
			.tag = s->next_tag++,
			.ring = { .sq_tail = s->sq_tail,
				  .cq_head = s->cq_head_rung },
		};
		sges[n] = (struct ibv_sge){ .addr = (uintptr_t)&s->stage->send,
					    .length = sizeof(struct db_msg),
					    .lkey = s->stage_mr->lkey };
		wrs[n] = (struct ibv_send_wr){ .wr_id = WR_RING,
					       .sg_list = &sges[n],
					       .num_sge = 1,
					       .opcode = IBV_WR_SEND };
	}
	*tail = &wrs[n];
	tail = &wrs[n].next;

	ret = poll_cq_remotely(s, chain, tail,
			       opcode == NVME_CMD_READ && data ? bytes : 0,
			       slot, cid, &cqe);
	if (ret)
		return ret;
	if (NVME_CQE_STATUS(cqe.status))
		return NVME_CQE_STATUS(cqe.status);
	if (opcode == NVME_CMD_READ && data)
		memcpy(data, s->stage->data, bytes);
	return 0;
}
