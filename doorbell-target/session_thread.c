// SPDX-License-Identifier: GPL-2.0
/*
 * The session thread: answers an initiator's SENDs.  In the ring modes it
 * is the CPU that rings the doorbell on the initiator's behalf, in the
 * two-sided modes it runs the whole command, and in every mode it answers
 * statistics requests.  It either spins on the CQ or sleeps on the
 * completion channel, as the mode says.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "mmio.h"
#include "target.h"
#include "verbs.h"

int session_post_recv(struct session *s, unsigned int slot)
{
	return util_post_recv(s->cm_id->qp, &s->msgs[slot],
			      sizeof(struct db_msg), s->msg_mr->lkey, slot);
}

/*
 * SEND @msg from the one send buffer.  The initiator has one request
 * out at a time and sends the next only after this answer arrived, so
 * the buffer is free again by then.
 */
static int session_send_id(struct session *s, const struct db_msg *msg,
			   uint64_t wr_id)
{
	struct db_msg *buf = &s->msgs[TARGET_RECV_DEPTH];
	struct ibv_sge sge = {
		.addr = (uintptr_t)buf,
		.length = sizeof(*buf),
		.lkey = s->msg_mr->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = wr_id,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = IBV_WR_SEND,
		.send_flags = IBV_SEND_SIGNALED,
	};

	*buf = *msg;
	return util_post_send(s->cm_id->qp, &wr);
}

int session_send(struct session *s, const struct db_msg *msg)
{
	return session_send_id(s, msg, SESSION_WR_SEND);
}

/*
 * A zero-length RDMA WRITE to the initiator (no address or key needed):
 * if the initiator is gone without a word, the retries run out and the
 * QP reports an error, so its queue does not stay held for ever.
 */
static int session_keepalive(struct session *s)
{
	struct ibv_send_wr wr = {
		.wr_id = SESSION_WR_KEEPALIVE,
		.opcode = IBV_WR_RDMA_WRITE,
		.send_flags = IBV_SEND_SIGNALED,
	};
	int ret;

	s->next_keepalive_ms = util_now_ms() + TARGET_KEEPALIVE_MS;
	ret = util_post_send(s->cm_id->qp, &wr);
	if (ret)
		return ret;
	s->keepalive_out = true;
	return 0;
}

/* How long a sleeping wait may last: to the next keepalive or deadline. */
static int session_poll_timeout(const struct session *s, uint64_t now)
{
	uint64_t until = s->keepalive_out ? UINT64_MAX : s->next_keepalive_ms;

	if (s->deadline_ms && s->deadline_ms < until)
		until = s->deadline_ms;
	if (until == UINT64_MAX)
		return -1;
	return until > now ? (int)(until - now) : 0;
}

/*
 * The next completion, spinning or sleeping.  0 with *@wc filled,
 * -ECANCELED when the main thread stops the session, or -ETIMEDOUT once
 * the session's deadline passed.  Keepalives go out on the way.
 */
static int session_next_wc(struct session *s, struct ibv_wc *wc)
{
	struct pollfd fds[2] = {
		{ .fd = s->channel->fd, .events = POLLIN },
		{ .fd = s->stop_fd, .events = POLLIN },
	};
	unsigned int spins = 0;
	struct ibv_cq *cq;
	uint64_t now;
	void *ctx;
	int n;

	for (;;) {
		if (s->stopping)
			return -ECANCELED;
		n = ibv_poll_cq(s->cq, 1, wc);
		if (n < 0)
			return -EIO;
		if (n)
			return 0;
		if (s->busy_poll) {
			if (++spins % 4096)
				continue;
			now = util_now_ms();
			if (s->deadline_ms && now >= s->deadline_ms)
				return -ETIMEDOUT;
			if (!s->keepalive_out && now >= s->next_keepalive_ms &&
			    session_keepalive(s))
				return -EIO;
			continue;
		}
		/* Re-arm, then look once more: a completion may have won. */
		if (ibv_req_notify_cq(s->cq, 0))
			return -EIO;
		n = ibv_poll_cq(s->cq, 1, wc);
		if (n)
			return n < 0 ? -EIO : 0;
		now = util_now_ms();
		if (s->deadline_ms && now >= s->deadline_ms)
			return -ETIMEDOUT;
		if (!s->keepalive_out && now >= s->next_keepalive_ms) {
			if (session_keepalive(s))
				return -EIO;
			continue;
		}
		/* One keepalive at a time: its completion wakes us. */
		if (poll(fds, 2, session_poll_timeout(s, now)) < 0 &&
		    errno != EINTR)
			return -errno;
		if (fds[0].revents & POLLIN) {
			if (ibv_get_cq_event(s->channel, &cq, &ctx))
				return -EIO;
			ibv_ack_cq_events(cq, 1);
		}
	}
}

/*
 * Wait for the RDMA WRITE or READ this thread posted.  Other completions
 * may come first: the ack of an earlier SEND, which needs nothing, or
 * that of a keepalive posted while the thread waited for this command,
 * which must free the keepalive slot, or no keepalive would ever go out
 * again.  A request cannot: the initiator has one out at a time.
 */
static int session_wait_rdma(struct session *s)
{
	struct ibv_wc wc;
	int ret;

	do {
		ret = session_next_wc(s, &wc);
		if (!ret)
			ret = session_wc_awaited(&wc, SESSION_WR_RDMA,
						 &s->keepalive_out);
	} while (!ret);
	/* A failed transfer fails the command; the loop's wc is not it. */
	if (ret == -ECONNRESET)
		return -EIO;
	return ret < 0 ? ret : 0;
}

static int session_rdma(struct session *s, enum ibv_wr_opcode op, void *local,
			uint32_t len, uint64_t remote, uint32_t rkey, bool wait)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)local,
		.length = len,
		.lkey = s->data_mr->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = SESSION_WR_RDMA,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = op,
		.send_flags = wait ? IBV_SEND_SIGNALED : 0,
		.wr.rdma = { .remote_addr = remote, .rkey = rkey },
	};
	int ret = util_post_send(s->cm_id->qp, &wr);

	if (ret)
		return ret;
	return wait ? session_wait_rdma(s) : 0;
}

/*
 * A two-sided command: pull the data of a Write, run the command on the
 * session's queue, push the data of a Read, answer.  The busy variant
 * spins for the NVMe completion; the event-driven one sleeps until the
 * queue's MSI-X vector fires.
 */
static int session_run_command(struct session *s, const struct db_msg *req)
{
	const struct db_command *c = &req->command;
	struct dbnvme_ctrl *ctrl = s->ctrl;
	uint32_t bytes;
	struct db_msg rsp = { .magic = DB_PROTO_MAGIC,
			      .type = DB_MSG_RESPONSE,
			      .tag = req->tag };
	struct dbnvme_sqe sqe;
	int status, ret;

	status = target_command_status(c, ctrl->max_transfer,
				       ctrl->ns.lba_shift);
	if (status)
		goto answer;
	bytes = c->nblocks << ctrl->ns.lba_shift;
	if (c->opcode == NVME_CMD_WRITE) {
		ret = session_rdma(s, IBV_WR_RDMA_READ, s->data.vaddr, bytes,
				   c->addr, c->rkey, true);
		if (ret)
			return ret;
	}
	dbnvme_build_io(&sqe, c->opcode, ctrl->ns.nsid, ctrl->ns.lba_shift,
			c->slba, c->nblocks, s->data.iova);
	status = dbnvme_io_sync(&s->queue, &sqe, NVME_COMMAND_TIMEOUT_MS, NULL);
	if (status < 0)
		return status;
	rsp.response.cid = sqe.cid;
	if (!status && c->opcode == NVME_CMD_READ) {
		/* Ordered before the SEND on this QP; no need to wait. */
		ret = session_rdma(s, IBV_WR_RDMA_WRITE, s->data.vaddr, bytes,
				   c->addr, c->rkey, false);
		if (ret)
			return ret;
	}
answer:
	rsp.response.status = status;
	s->commands++;
	return session_send(s, &rsp);
}

static uint64_t process_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
}

/* One call for both figures: each mark costs the thread a system call. */
static void thread_usage(struct thread_usage *u)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	u->cpu_ns = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
		    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
	u->sleeps = ru.ru_nvcsw;
}

static int session_handle(struct session *s, const struct db_msg *msg)
{
	struct db_msg rsp = { .magic = DB_PROTO_MAGIC, .tag = msg->tag };
	bool ring_mode = s->mode == DB_MODE_RING_BUSY ||
			 s->mode == DB_MODE_RING_EVENT;

	if (msg->magic != DB_PROTO_MAGIC)
		return -EPROTO;
	switch (msg->type) {
	case DB_MSG_RING:
		if (!ring_mode ||
		    !target_ring_valid(msg->ring.sq_tail, msg->ring.cq_head,
				       s->queue.depth))
			return -EPROTO;
		/*
		 * The initiator's RDMA WRITE of the SQE completed before its
		 * SEND did; the barrier carries that order to the device.
		 * Free the consumed CQ slots first, then hand over the SQE.
		 */
		dbnvme_wmb_before_mmio();
		if (msg->ring.cq_head != s->queue.cq_head) {
			s->queue.cq_head = msg->ring.cq_head;
			*s->queue.cq_doorbell = msg->ring.cq_head;
		}
		*s->queue.sq_doorbell = msg->ring.sq_tail;
		s->commands++;
		return 0;
	case DB_MSG_COMMAND:
		if (s->mode != DB_MODE_TWO_SIDED_BUSY &&
		    s->mode != DB_MODE_TWO_SIDED_EVENT)
			return -EPROTO;
		return session_run_command(s, msg);
	case DB_MSG_STATS:
		rsp.type = DB_MSG_STATS;
		rsp.stats.thread_cpu_ns = s->mark.cpu_ns - s->upkeep.cpu_ns;
		rsp.stats.thread_sleeps = s->mark.sleeps - s->upkeep.sleeps;
		rsp.stats.process_cpu_ns = process_cpu_ns();
		rsp.stats.commands = s->commands;
		return session_send_id(s, &rsp, SESSION_WR_SEND_UPKEEP);
	default:
		return -EPROTO;
	}
}

/*
 * Collect the completions of the SESSION_BINDS window binds that
 * session_start() posted, within TARGET_BIND_TIMEOUT_MS, then send
 * READY.  Only a keepalive may complete beside them: the initiator sends
 * nothing before READY.  What this costs is upkeep, not commands.
 */
static int session_await_binds(struct session *s, struct ibv_wc *wc)
{
	struct db_msg msg = { .magic = DB_PROTO_MAGIC, .type = DB_MSG_READY };
	unsigned int bound = 0;
	int ret = 0;

	s->deadline_ms = util_now_ms() + TARGET_BIND_TIMEOUT_MS;
	while (bound < SESSION_BINDS) {
		ret = session_next_wc(s, wc);
		if (!ret)
			ret = session_wc_awaited(wc, SESSION_WR_BIND,
						 &s->keepalive_out);
		if (ret < 0)
			break;
		bound += ret;
		ret = 0;
	}
	s->deadline_ms = 0;
	if (ret == -ETIMEDOUT)
		target_log(s->target,
			   "I/O queue %u: %u of %u window binds done in %u ms",
			   s->queue.qid, bound, SESSION_BINDS,
			   TARGET_BIND_TIMEOUT_MS);
	if (ret)
		return ret;
	msg.ready = s->ready;
	ret = session_send_id(s, &msg, SESSION_WR_SEND_UPKEEP);
	thread_usage(&s->upkeep);
	return ret;
}

/*
 * The thread's CPU time and sleeps are charged to commands except what
 * answering statistics costs: from the moment the thread started waiting
 * for a statistics request (or, spinning, found it) to the end of its
 * answer, and the wake-up for that answer's completion.  A session whose
 * thread wakes for nothing else reports no CPU and no sleeps at all.
 */
void *session_thread(void *arg)
{
	struct session *s = arg;
	struct ibv_wc wc = { .status = IBV_WC_SUCCESS };
	struct thread_usage end;
	bool stats, chained = false;
	uint64_t one = 1;
	int ret, msg;

	ret = session_await_binds(s, &wc);
	while (!ret) {
		/*
		 * After upkeep the next window starts where it ended, so the
		 * loop between them is not charged to commands either.
		 */
		if (!s->busy_poll && !chained)
			thread_usage(&s->mark);
		chained = false;
		ret = session_next_wc(s, &wc);
		if (ret)
			break;
		if (s->busy_poll)
			thread_usage(&s->mark);
		if (wc.status != IBV_WC_SUCCESS) {
			/* Flushed: the initiator left; the main thread cleans. */
			ret = -ECONNRESET;
			break;
		}
		if (wc.wr_id == SESSION_WR_KEEPALIVE)
			s->keepalive_out = false;
		/* Keepalives are upkeep, like statistics: not commands. */
		stats = wc.wr_id == SESSION_WR_SEND_UPKEEP ||
			wc.wr_id == SESSION_WR_KEEPALIVE;
		msg = session_wc_message(&wc, sizeof(struct db_msg));
		if (msg < 0) {
			target_log(
				s->target,
				"I/O queue %u: a malformed message (%u bytes, completion opcode %d)",
				s->queue.qid, wc.byte_len, wc.opcode);
			ret = msg;
			break;
		}
		if (msg) {
			stats = s->msgs[wc.wr_id].type == DB_MSG_STATS;
			ret = session_handle(s, &s->msgs[wc.wr_id]);
			if (!ret)
				ret = session_post_recv(s, wc.wr_id);
			if (ret)
				break;
		}
		if (stats) {
			thread_usage(&end);
			s->upkeep.cpu_ns += end.cpu_ns - s->mark.cpu_ns;
			s->upkeep.sleeps += end.sleeps - s->mark.sleeps;
			s->mark = end;
			chained = !s->busy_poll;
		}
	}
	if (ret == -ECANCELED)
		return NULL;
	/* A flush is the QP going down: the main thread says why. */
	if (ret == -ECONNRESET && wc.status != IBV_WC_WR_FLUSH_ERR)
		target_log(s->target,
			   "I/O queue %u: the connection failed (%s)",
			   s->queue.qid, ibv_wc_status_str(wc.status));
	else if (ret != -ECONNRESET)
		target_log(s->target, "I/O queue %u: %s", s->queue.qid,
			   dbnvme_strerror(ret));
	/* The main thread reaps the session. */
	__atomic_store_n(&s->dead, true, __ATOMIC_RELEASE);
	if (write(s->target->reap_fd, &one, sizeof(one)) < 0)
		rdma_disconnect(s->cm_id);
	return NULL;
}
