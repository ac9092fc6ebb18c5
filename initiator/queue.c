// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Commands through the initiator's own NVMe queue on the target: the
 * data and the SQE go by RDMA WRITE, the completions come back by RDMA
 * READ of the CQ.  The SQ tail doorbell is rung by RDMA WRITE into the
 * doorbell window (one-sided) or by a SEND that a target thread turns
 * into a store (the ring modes).
 *
 * A command is one unsignaled post: CQ head, data, SQE and ring; WRITEs
 * and SENDs on one QP execute in order, so the ring lands after what it
 * announces.  Completions are reaped by one signaled RDMA READ of the
 * run of CQ entries from the head over every command in flight (two at
 * the end of the ring), which retires the posts before it.  RDMA READs
 * execute after the WRITEs and SENDs posted before them, so a read posted
 * right behind a command already sees it rung.  With one Read in flight,
 * its data is fetched in the same post as the CQ: the controller wrote
 * the data before the CQE.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "private.h"

enum { WR_CQ_HEAD = 10, WR_DATA, WR_SQE, WR_RING, WR_POLL, WR_FETCH };

/*
 * A chain of work requests under construction: each added one goes
 * behind the last.
 */
struct wr_chain {
	struct ibv_send_wr wr[DBI_MAX_DEPTH + 4];
	struct ibv_sge sge[DBI_MAX_DEPTH + 4];
	unsigned int n;
};

static struct ibv_send_wr *
chain_add_mr(struct wr_chain *c, const struct ibv_mr *mr, uint64_t id,
	     enum ibv_wr_opcode op, void *local, uint32_t len,
	     const struct db_window *win, uint64_t offset)
{
	struct ibv_send_wr *wr = &c->wr[c->n];

	c->sge[c->n] = (struct ibv_sge){ .addr = (uintptr_t)local,
					 .length = len,
					 .lkey = mr->lkey };
	*wr = (struct ibv_send_wr){
		.wr_id = id,
		.sg_list = &c->sge[c->n],
		.num_sge = 1,
		.opcode = op,
	};
	if (win) {
		wr->wr.rdma.remote_addr = win->addr + offset;
		wr->wr.rdma.rkey = win->rkey;
	}
	if (c->n)
		c->wr[c->n - 1].next = wr;
	c->n++;
	return wr;
}

/* ...from or to the session's queue memory. */
static struct ibv_send_wr *chain_add(struct wr_chain *c, struct dbi_session *s,
				     uint64_t id, enum ibv_wr_opcode op,
				     void *local, uint32_t len,
				     const struct db_window *win,
				     uint64_t offset)
{
	return chain_add_mr(c, s->qmem.mr, id, op, local, len, win, offset);
}

/*
 * The data of command @slot between its target slot and the caller's
 * registered buffer, or the slot's stage.
 */
static void chain_data(struct wr_chain *c, struct dbi_session *s,
		       unsigned int slot, uint64_t id, enum ibv_wr_opcode op)
{
	const struct dbi_cmd *cmd = &s->cmds[slot];
	uint64_t at = (uint64_t)slot * s->ready.slot_size;

	if (cmd->ubuf)
		chain_add_mr(c, cmd->ubuf->mr, id, op, cmd->buf, cmd->bytes,
			     &s->ready.data, at);
	else
		chain_add(c, s, id, op, dbi_slot_data(s, slot), cmd->bytes,
			  &s->ready.data, at);
}

/* The CQ head doorbell, in front of whatever the chain carries next. */
static void chain_cq_head(struct wr_chain *c, struct dbi_session *s,
			  struct dbi_cmd_stage *st)
{
	if (s->mode != DB_MODE_ONE_SIDED || !dbi_cq_head_due(s))
		return;
	st->cq_head = s->cq_head_rung;
	chain_add(c, s, WR_CQ_HEAD, IBV_WR_RDMA_WRITE, &st->cq_head, 4,
		  &s->ready.doorbells, s->ready.doorbell_stride);
}

/* The SQ tail doorbell, rung from @st, for every SQE written so far. */
static void chain_sq_ring(struct wr_chain *c, struct dbi_session *s,
			  struct dbi_cmd_stage *st)
{
	st->sq_tail = s->sq_tail;
	chain_add(c, s, WR_RING, IBV_WR_RDMA_WRITE, &st->sq_tail, 4,
		  &s->ready.doorbells, 0);
}

int dbi_queue_setup(struct dbi_session *s)
{
	unsigned int depth = s->ready.depth;
	size_t data = (size_t)depth * DBI_MAX_TRANSFER;
	/* One stage per slot, and the reaper's. */
	size_t stage = (depth + 1) * sizeof(struct dbi_cmd_stage);
	size_t run = depth * sizeof(struct dbnvme_cqe);
	uint8_t *p;

	p = aligned_alloc(4096, data + stage + run);
	if (!p)
		return -ENOMEM;
	memset(p, 0, data + stage + run);
	s->qmem.data = p;
	s->qmem.stage = (struct dbi_cmd_stage *)(p + data);
	s->qmem.cq_run = (struct dbnvme_cqe *)(p + data + stage);
	s->qmem.mr = ibv_reg_mr(s->pd, p, data + stage + run,
				IBV_ACCESS_LOCAL_WRITE);
	return s->qmem.mr ? 0 : -errno;
}

void dbi_queue_teardown(struct dbi_session *s)
{
	if (s->qmem.mr)
		ibv_dereg_mr(s->qmem.mr);
	free(s->qmem.data);
	s->qmem = (struct dbi_queue_mem){ 0 };
}

int dbi_queue_submit(struct dbi_session *s, unsigned int slot, uint64_t slba,
		     uint32_t nblocks)
{
	const struct db_ready *r = &s->ready;
	struct dbi_cmd *cmd = &s->cmds[slot];
	struct dbi_cmd_stage *st = &s->qmem.stage[slot];
	uint64_t at = (uint64_t)slot * r->slot_size;
	struct wr_chain c;

	c.n = 0;
	chain_cq_head(&c, s, st);
	if (cmd->opcode == NVME_CMD_WRITE)
		chain_data(&c, s, slot, WR_DATA, IBV_WR_RDMA_WRITE);
	dbnvme_build_io(&st->sqe, cmd->opcode, r->nsid,
			__builtin_ctz(r->block_size), slba, nblocks,
			r->data_iova + at);
	st->sqe.cid = cmd->cid;
	cmd->submitted_ns = util_now_ns();
	chain_add(&c, s, WR_SQE, IBV_WR_RDMA_WRITE, &st->sqe,
		  sizeof(struct dbnvme_sqe), &r->sq,
		  (uint64_t)s->sq_tail * sizeof(struct dbnvme_sqe));
	s->sq_tail = (s->sq_tail + 1) % r->depth;

	if (s->mode == DB_MODE_ONE_SIDED) {
		/* Batched, the next reap rings for every SQE till then. */
		if (s->flags & DBI_F_BATCH_RING)
			s->ring_pending = true;
		else
			chain_sq_ring(&c, s, st);
	} else {
		/* The target rings both doorbells from the message. */
		dbi_cq_head_due(s);
		st->ring = (struct db_msg){
			.magic = DB_PROTO_MAGIC,
			.type = DB_MSG_RING,
			.tag = s->next_tag++,
			.ring = { .sq_tail = s->sq_tail,
				  .cq_head = s->cq_head_rung },
		};
		chain_add(&c, s, WR_RING, IBV_WR_SEND, &st->ring,
			  sizeof(st->ring), NULL, 0);
	}
	return dbi_post(s, c.wr);
}

/*
 * Post READs of the CQ entries from the head over @n commands, into
 * cq_run, behind what @c holds, and, with one Read in flight, of its
 * data; then wait.
 */
static int read_cq_run(struct dbi_session *s, struct wr_chain *c,
		       unsigned int n, int fetch_slot)
{
	const struct db_ready *r = &s->ready;
	const unsigned int esz = sizeof(struct dbnvme_cqe);
	unsigned int first = n;

	if (s->cq_head + n > r->depth)
		first = r->depth - s->cq_head;
	chain_add(c, s, WR_POLL, IBV_WR_RDMA_READ, s->qmem.cq_run, first * esz,
		  &r->cq, s->cq_head * esz);
	if (first < n)
		chain_add(c, s, WR_POLL, IBV_WR_RDMA_READ,
			  s->qmem.cq_run + first, (n - first) * esz, &r->cq, 0);
	if (fetch_slot >= 0)
		chain_data(c, s, fetch_slot, WR_FETCH, IBV_WR_RDMA_READ);
	return dbi_post_wait(s, c->wr);
}

/* The Read in flight if it is the only command in flight, else -1. */
static int lone_read(const struct dbi_session *s, unsigned int in_flight)
{
	unsigned int i;

	if (in_flight != 1)
		return -1;
	for (i = 0; i < s->ready.depth; i++)
		if (dbi_cmd_in_flight(&s->cmds[i]))
			return s->cmds[i].opcode == NVME_CMD_READ &&
					       s->cmds[i].buf ?
				       (int)i :
				       -1;
	return -1;
}

/* Fetch the data of the Reads in @slots that completed well. */
static int fetch_reads(struct dbi_session *s, const unsigned int *slots,
		       unsigned int n, int fetched)
{
	struct wr_chain c;
	unsigned int i;
	int ret;

	c.n = 0;
	for (i = 0; i < n; i++) {
		struct dbi_cmd *cmd = &s->cmds[slots[i]];

		if (cmd->opcode != NVME_CMD_READ || !cmd->buf || cmd->status ||
		    (int)slots[i] == fetched)
			continue;
		chain_data(&c, s, slots[i], WR_FETCH, IBV_WR_RDMA_READ);
	}
	if (c.n) {
		ret = dbi_post_wait(s, c.wr);
		if (ret)
			return ret;
	}
	for (i = 0; i < n; i++) {
		struct dbi_cmd *cmd = &s->cmds[slots[i]];

		if (cmd->opcode == NVME_CMD_READ && cmd->buf && !cmd->ubuf &&
		    !cmd->status) {
			memcpy(cmd->buf, dbi_slot_data(s, slots[i]),
			       cmd->bytes);
			s->stats.copied_bytes += cmd->bytes;
		}
	}
	return 0;
}

int dbi_queue_reap(struct dbi_session *s, unsigned int max)
{
	uint64_t limit = util_now_ms() + s->timeout_ms;
	unsigned int in_flight = 0, rereads = 0, n = 0, i, slot;
	unsigned int slots[DBI_MAX_DEPTH];
	struct dbi_cmd_stage *reaper = &s->qmem.stage[s->ready.depth];
	uint64_t due, posted;
	bool missed = false;
	struct dbnvme_cqe cqe;
	struct wr_chain c;
	int fetch, ret;

	for (i = 0; i < s->ready.depth; i++)
		in_flight += dbi_cmd_in_flight(&s->cmds[i]);
	if (!in_flight)
		return 0;
	fetch = lone_read(s, in_flight);
	/* The first read waits for the oldest command to be due. */
	due = dbi_cq_read_due(s);
	if (due > util_now_ns() + (uint64_t)s->timeout_ms * 1000000)
		due = 0;
	/*
	 * Yielding, not spinning: the RDMA device's own work may be queued
	 * on this CPU (Soft-RoCE's tasks are), and a busy loop in user
	 * space would hold it off until the scheduler's tick.
	 */
	while (util_now_ns() < due)
		sched_yield();
	while (!n) {
		c.n = 0;
		chain_cq_head(&c, s, reaper);
		if (s->ring_pending) {
			/* The SQEs' WRITEs went first on this QP. */
			chain_sq_ring(&c, s, reaper);
			s->ring_pending = false;
		}
		posted = util_now_ns();
		ret = read_cq_run(s, &c, in_flight, fetch);
		if (ret)
			return ret;
		dbi_cq_read_done(s, posted, util_now_ns());
		s->stats.cq_reads++;
		for (i = 0; i < in_flight && n < max; i++) {
			/* One snapshot: the checks and the result agree. */
			cqe = s->qmem.cq_run[i];
			ret = dbi_cqe_check(s, &cqe, s->phase, &rereads, &slot);
			if (ret == DBI_CQE_FOREIGN)
				return -EBADMSG;
			if (ret == DBI_CQE_NOT_YET)
				break;
			s->cmds[slot].done = true;
			s->cmds[slot].status = NVME_CQE_STATUS(cqe.status);
			dbi_service_sample(s, &s->cmds[slot], posted, missed);
			slots[n++] = slot;
			rereads = 0;
			dbi_cq_consume(s);
		}
		if (n)
			break;
		s->stats.empty_cq_reads++;
		missed = true;
		if (util_now_ms() > limit)
			return -ETIMEDOUT;
	}
	return fetch_reads(s, slots, n, fetch);
}
