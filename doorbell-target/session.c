// SPDX-License-Identifier: GPL-2.0
/*
 * A session: one initiator's NVMe queue pair, its memory regions and the
 * memory windows that make them reachable from that initiator's QP only.
 *
 * Every MR here grants remote rights to nobody.  Remote access goes
 * through type 2 windows bound to the session's QP, so another
 * initiator's QP cannot use them even with the rkey in hand, and the
 * doorbell window covers exactly this queue's SQ tail and CQ head.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "target.h"
#include "verbs.h"

/*
 * The controller a new initiator gets: in shared mode the one there is,
 * in isolated mode one that serves nobody yet.  -EBUSY when all are
 * taken.
 */
static struct target_ctrl *ctrl_pick(struct target *t)
{
	unsigned int i;

	if (!t->isolated)
		return &t->ctrls[0];
	for (i = 0; i < t->nr_ctrls; i++)
		if (!t->ctrls[i].sessions)
			return &t->ctrls[i];
	return NULL;
}

static int qid_alloc(struct target_ctrl *tc)
{
	unsigned int q;

	for (q = 1; q <= tc->nvme->nr_io_queues && q < 64; q++)
		if (!(tc->qids_in_use & (1ull << q))) {
			tc->qids_in_use |= 1ull << q;
			return q;
		}
	return -EBUSY;
}

static int session_create_qp(struct session *s)
{
	struct ibv_qp_init_attr attr = {
		.qp_type = IBV_QPT_RC,
		.cap = {
			.max_send_wr = 16,
			.max_recv_wr = TARGET_RECV_DEPTH,
			.max_send_sge = 1,
			.max_recv_sge = 1,
		},
	};
	struct ibv_context *verbs = s->cm_id->verbs;

	s->channel = ibv_create_comp_channel(verbs);
	if (!s->channel)
		return -errno;
	s->cq = ibv_create_cq(verbs, 16 + TARGET_RECV_DEPTH, s, s->channel, 0);
	if (!s->cq)
		return -errno;
	attr.send_cq = s->cq;
	attr.recv_cq = s->cq;
	if (rdma_create_qp(s->cm_id, s->device->pd, &attr))
		return -errno;
	return 0;
}

static struct ibv_mr *reg(struct session *s, void *addr, size_t len, int access)
{
	return ibv_reg_mr(s->device->pd, addr, len, access);
}

static int session_register(struct session *s)
{
	const int bind = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_MW_BIND;
	struct ibv_pd *pd = s->device->pd;
	size_t msgs = (TARGET_RECV_DEPTH + 1) * sizeof(struct db_msg);

	s->msgs = calloc(TARGET_RECV_DEPTH + 1, sizeof(struct db_msg));
	if (!s->msgs)
		return -ENOMEM;
	s->sq_mr = reg(s, s->queue.sq.vaddr, s->queue.sq.size, bind);
	s->cq_mr = reg(s, s->queue.cq.vaddr, s->queue.cq.size, bind);
	s->data_mr = reg(s, s->data.vaddr, s->data.size, bind);
	s->msg_mr = reg(s, s->msgs, msgs, IBV_ACCESS_LOCAL_WRITE);
	if (!s->sq_mr || !s->cq_mr || !s->data_mr || !s->msg_mr)
		return -errno ? -errno : -ENOMEM;
	s->sq_mw = ibv_alloc_mw(pd, IBV_MW_TYPE_2);
	s->cq_mw = ibv_alloc_mw(pd, IBV_MW_TYPE_2);
	s->data_mw = ibv_alloc_mw(pd, IBV_MW_TYPE_2);
	s->doorbell_mw = ibv_alloc_mw(pd, IBV_MW_TYPE_2);
	if (!s->sq_mw || !s->cq_mw || !s->data_mw || !s->doorbell_mw)
		return -errno ? -errno : -ENOMEM;
	return 0;
}

/*
 * The event-driven two-sided target sleeps until the controller
 * interrupts, as a kernel target would; every other mode either spins
 * or never looks at the CQ itself.
 */
static unsigned int session_queue_flags(const struct session *s)
{
	return s->mode == DB_MODE_TWO_SIDED_EVENT ? NVME_QUEUE_INTERRUPTS : 0;
}

int session_create(struct target *t, struct rdma_cm_id *id,
		   const struct db_connect_req *req, struct session **sp)
{
	struct target_ctrl *tc;
	const char *step;
	struct session *s;
	unsigned int i;
	int qid, ret;

	ret = target_check_connect(req, t->max_depth);
	if (ret)
		return ret;
	tc = ctrl_pick(t);
	if (!tc)
		return -EBUSY;
	qid = qid_alloc(tc);
	if (qid < 0)
		return qid;

	s = calloc(1, sizeof(*s));
	if (!s) {
		tc->qids_in_use &= ~(1ull << qid);
		return -ENOMEM;
	}
	tc->sessions++;
	s->target = t;
	s->tc = tc;
	s->ctrl = tc->nvme;
	s->cm_id = id;
	s->mode = req->mode;
	s->busy_poll = req->mode == DB_MODE_RING_BUSY ||
		       req->mode == DB_MODE_TWO_SIDED_BUSY;
	s->queue.qid = qid;
	s->stop_fd = eventfd(0, EFD_CLOEXEC);
	id->context = s;

	step = "eventfd";
	ret = s->stop_fd < 0 ? -errno : 0;
	if (!ret) {
		step = "doorbell registration";
		ret = target_device_get(t, tc, id->verbs, &s->device);
	}
	if (!ret) {
		step = "QP";
		ret = session_create_qp(s);
	}
	if (!ret) {
		step = "NVMe I/O queue";
		ret = dbnvme_queue_create(
			s->ctrl, qid, target_session_depth(req, t->max_depth),
			session_queue_flags(s), &s->queue);
		if (ret) {
			s->queue.qid = qid; /* for session_destroy() */
			s->queue.sq.vaddr = NULL;
		}
	}
	if (!ret) {
		step = "data buffer";
		ret = dbnvme_dma_alloc(
			s->ctrl, (size_t)s->queue.depth * s->ctrl->max_transfer,
			&s->data);
	}
	if (!ret) {
		step = "memory registration";
		ret = session_register(s);
	}
	for (i = 0; !ret && i < TARGET_RECV_DEPTH; i++)
		ret = session_post_recv(s, i);
	if (ret) {
		target_log(t, "new session on I/O queue %u: %s: %s", qid, step,
			   dbnvme_strerror(ret));
		session_destroy(s);
		return ret;
	}
	s->next = t->sessions;
	t->sessions = s;
	*sp = s;
	return 0;
}

/*
 * Post the bind of @mw over [@addr, @addr + @len) of @mr for this QP, and
 * describe the window it will be.  The session thread collects the
 * completion; the initiator hears of the window only after it.
 */
static int bind_window(struct session *s, struct ibv_mw *mw, struct ibv_mr *mr,
		       uint64_t addr, uint32_t len, int access,
		       struct db_window *win)
{
	uint32_t rkey = 0;
	int ret;

	ret = util_post_bind_mw(s->cm_id->qp, mw, mr, addr, len, access,
				SESSION_WR_BIND, &rkey);
	if (ret)
		return ret;
	*win = (struct db_window){ .addr = addr, .rkey = rkey, .length = len };
	return 0;
}

/* Post the SESSION_BINDS binds of the session's windows. */
static int session_bind_windows(struct session *s)
{
	struct dbnvme_ctrl *ctrl = s->ctrl;
	struct target_device *d = s->device;
	struct db_ready *r = &s->ready;
	uint64_t sq_db = dbnvme_sq_doorbell_offset(ctrl, s->queue.qid);
	int ret;

	r->qid = s->queue.qid;
	r->depth = s->queue.depth;
	r->nsid = ctrl->ns.nsid;
	r->blocks = ctrl->ns.blocks;
	r->block_size = 1u << ctrl->ns.lba_shift;
	r->max_transfer = ctrl->max_transfer;
	r->doorbell_stride = ctrl->doorbell_stride;
	r->slot_size = ctrl->max_transfer;
	r->data_iova = s->data.iova;

	ret = bind_window(s, s->sq_mw, s->sq_mr, (uintptr_t)s->queue.sq.vaddr,
			  s->queue.depth * sizeof(struct dbnvme_sqe),
			  IBV_ACCESS_REMOTE_WRITE, &r->sq);
	if (!ret)
		ret = bind_window(s, s->cq_mw, s->cq_mr,
				  (uintptr_t)s->queue.cq.vaddr,
				  s->queue.depth * sizeof(struct dbnvme_cqe),
				  IBV_ACCESS_REMOTE_READ, &r->cq);
	if (!ret)
		ret = bind_window(s, s->data_mw, s->data_mr,
				  (uintptr_t)s->data.vaddr, s->data.size,
				  IBV_ACCESS_REMOTE_READ |
					  IBV_ACCESS_REMOTE_WRITE,
				  &r->data);
	/*
	 * The doorbell MR's iova is the page's BAR0 offset, so a window's
	 * address is the doorbell's register offset: SQ tail, then CQ head
	 * one stride on, and nothing else.
	 */
	if (!ret)
		ret = bind_window(s, s->doorbell_mw, d->doorbell_mr, sq_db,
				  ctrl->doorbell_stride + 4,
				  IBV_ACCESS_REMOTE_WRITE, &r->doorbells);
	return ret;
}

/*
 * Called from the CM event handler, so it must not wait: the binds are
 * posted here and the session thread waits for them, sending READY when
 * all four are done.  Until then the initiator has no window to use.
 */
int session_start(struct session *s)
{
	int ret;

	ret = session_bind_windows(s);
	if (ret)
		return ret;
	s->next_keepalive_ms = 0; /* the first goes out at once */
	ret = pthread_create(&s->thread, NULL, session_thread, s);
	if (ret)
		return -ret;
	s->thread_running = true;
	target_log(s->target,
		   "session on I/O queue %u of %s: mode %u, depth %u",
		   s->queue.qid, s->ctrl->bdf, s->mode, s->queue.depth);
	if (s->target->verbose)
		target_log(s->target,
			   "I/O queue %u of %s: SQ at IOVA %#llx, CQ at %#llx, "
			   "data at %#llx (%zu bytes)",
			   s->queue.qid, s->ctrl->bdf,
			   (unsigned long long)s->queue.sq.iova,
			   (unsigned long long)s->queue.cq.iova,
			   (unsigned long long)s->data.iova, s->data.size);

	return 0;
}

static void session_stop_thread(struct session *s)
{
	uint64_t one = 1;

	if (!s->thread_running)
		return;
	s->stopping = true;
	if (write(s->stop_fd, &one, sizeof(one)) < 0)
		target_log(s->target, "cannot wake a session thread");
	pthread_join(s->thread, NULL);
	s->thread_running = false;
}

/*
 * Tear down in the order that keeps every remote and device access
 * inside memory that is still there: the thread, then the windows and
 * the QP (no more remote access), then the NVMe queue (the controller
 * aborts what it still holds), then the memory it pointed at.
 */
void session_destroy(struct session *s)
{
	struct target *t = s->target;
	struct session **pp;

	for (pp = &t->sessions; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	session_stop_thread(s);
	/* A bound window holds its QP: the windows go first. */
	if (s->doorbell_mw)
		ibv_dealloc_mw(s->doorbell_mw);
	if (s->data_mw)
		ibv_dealloc_mw(s->data_mw);
	if (s->cq_mw)
		ibv_dealloc_mw(s->cq_mw);
	if (s->sq_mw)
		ibv_dealloc_mw(s->sq_mw);
	if (s->cm_id->qp)
		rdma_destroy_qp(s->cm_id);
	if (s->queue.sq.vaddr) {
		int ret = dbnvme_queue_delete(s->ctrl, &s->queue);

		if (ret)
			target_log(t, "deleting I/O queue %u: %s", s->queue.qid,
				   dbnvme_strerror(ret));
	}
	if (s->msg_mr)
		ibv_dereg_mr(s->msg_mr);
	if (s->data_mr)
		ibv_dereg_mr(s->data_mr);
	if (s->cq_mr)
		ibv_dereg_mr(s->cq_mr);
	if (s->sq_mr)
		ibv_dereg_mr(s->sq_mr);
	dbnvme_dma_free(s->ctrl, &s->data);
	if (s->cq)
		ibv_destroy_cq(s->cq);
	if (s->channel)
		ibv_destroy_comp_channel(s->channel);
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	s->tc->qids_in_use &= ~(1ull << s->queue.qid);
	s->tc->sessions--;
	free(s->msgs);
	s->cm_id->context = NULL;
	free(s);
}
