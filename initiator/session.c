// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Connecting to a target, and the verbs every command path shares:
 * posting and waiting, SEND and RECV of protocol messages.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "private.h"
#include "test_hooks.h"
#include "verbs.h"

#define DBI_DEFAULT_TIMEOUT_MS 5000
#define DBI_ADDR_ATTEMPT_MS 1000

static int wc_errno(const struct ibv_wc *wc)
{
	switch (wc->status) {
	case IBV_WC_SUCCESS:
		return 0;
	case IBV_WC_REM_ACCESS_ERR:
		return -EACCES;
	case IBV_WC_WR_FLUSH_ERR:
	case IBV_WC_RETRY_EXC_ERR:
	case IBV_WC_RNR_RETRY_EXC_ERR:
		return -ECONNRESET;
	default:
		return -EIO;
	}
}

/*
 * Sleep until the CQ has a completion or @limit (ms) passes.  The first
 * call only arms the notification: a completion that came before it
 * raises no event, so the caller polls once more before the sleep.
 */
static int dbi_cq_sleep(struct dbi_session *s, uint64_t limit)
{
	struct pollfd pfd = { .fd = s->cq_channel->fd, .events = POLLIN };
	uint64_t now = util_now_ms();
	struct ibv_cq *cq;
	void *ctx;

	if (!s->cq_armed) {
		if (ibv_req_notify_cq(s->cq, 0))
			return -EIO;
		s->cq_armed = true;
		return 0;
	}
	if (now >= limit || poll(&pfd, 1, limit - now) <= 0)
		return -ETIMEDOUT;
	if (ibv_get_cq_event(s->cq_channel, &cq, &ctx))
		return -EIO;
	ibv_ack_cq_events(cq, 1);
	s->cq_armed = false;
	return 0;
}

/*
 * Whether a wait sleeps on the completion channel: as the flags force it,
 * else while several commands are in flight (doorbell_initiator.h).
 */
static bool dbi_wait_asleep(const struct dbi_session *s)
{
	if (s->flags & (DBI_F_SLEEP_WAIT | DBI_F_POLL_WAIT))
		return s->flags & DBI_F_SLEEP_WAIT;
	return s->nr_busy > 1;
}

/* The next completion, within the session's timeout. */
static int dbi_next_wc(struct dbi_session *s, struct ibv_wc *wc)
{
	uint64_t limit = util_now_ms() + s->timeout_ms;
	unsigned int spins = 0;
	int n, ret;

	for (;;) {
		n = ibv_poll_cq(s->cq, 1, wc);
		if (n < 0)
			return -EIO;
		if (n)
			return 0;
		if (dbi_wait_asleep(s)) {
			ret = dbi_cq_sleep(s, limit);
			if (ret)
				return ret;
		} else if (++spins % 4096 == 0 && util_now_ms() > limit) {
			return -ETIMEDOUT;
		}
	}
}

/* The next completion; a failed one is its errno. */
static int dbi_next_ok_wc(struct dbi_session *s, struct ibv_wc *wc)
{
	int ret = dbi_next_wc(s, wc);

	if (!ret && wc->status != IBV_WC_SUCCESS)
		ret = wc_errno(wc);
	return ret;
}

int dbi_post(struct dbi_session *s, struct ibv_send_wr *wr)
{
	struct ibv_send_wr *w;

	for (w = wr; w; w = w->next) {
		if (w->opcode == IBV_WR_RDMA_READ)
			s->stats.rdma_reads++;
		else if (w->opcode == IBV_WR_RDMA_WRITE)
			s->stats.rdma_writes++;
		else
			s->stats.sends++;
	}
	return util_post_send(s->id->qp, wr);
}

int dbi_post_wait(struct dbi_session *s, struct ibv_send_wr *wr)
{
	struct ibv_send_wr *last = wr;
	struct ibv_wc wc;
	int ret;

	while (last->next)
		last = last->next;
	last->send_flags |= IBV_SEND_SIGNALED;
	ret = dbi_post(s, wr);
	if (ret)
		return ret;
	for (;;) {
		ret = dbi_next_ok_wc(s, &wc);
		if (ret)
			return ret;
		if (wc.opcode == IBV_WC_RECV) {
			if (s->nr_early_recv == DBI_RECVS)
				return -EOVERFLOW;
			s->early_recv[s->nr_early_recv++] = wc.wr_id;
			continue;
		}
		if (wc.wr_id == last->wr_id)
			return 0;
	}
}

static int dbi_post_recv(struct dbi_session *s, unsigned int slot)
{
	return util_post_recv(s->id->qp, &s->stage->recv[slot],
			      sizeof(struct db_msg), s->stage_mr->lkey, slot);
}

/* The slot of the next received message, early or new. */
static int dbi_next_recv(struct dbi_session *s, unsigned int *slot)
{
	struct ibv_wc wc;
	int ret;

	if (s->nr_early_recv) {
		*slot = s->early_recv[0];
		memmove(s->early_recv, s->early_recv + 1,
			--s->nr_early_recv * sizeof(s->early_recv[0]));
		return 0;
	}
	for (;;) {
		ret = dbi_next_ok_wc(s, &wc);
		if (ret)
			return ret;
		if (wc.opcode == IBV_WC_RECV) {
			*slot = wc.wr_id;
			return 0;
		}
	}
}

int dbi_recv_wait(struct dbi_session *s, uint8_t type, struct db_msg *msg)
{
	unsigned int slot;
	int ret;

	ret = dbi_next_recv(s, &slot);
	if (ret)
		return ret;
	*msg = s->stage->recv[slot];
	ret = dbi_post_recv(s, slot);
	if (ret)
		return ret;
	if (msg->magic != DB_PROTO_MAGIC || msg->type != type)
		return -EPROTO;
	return 0;
}

int dbi_send(struct dbi_session *s, const struct db_msg *msg)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)&s->stage->send,
		.length = sizeof(*msg),
		.lkey = s->stage_mr->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = 1, .sg_list = &sge, .num_sge = 1, .opcode = IBV_WR_SEND
	};

	s->stage->send = *msg;
	return dbi_post_wait(s, &wr);
}

/* Wait for the next CM event; it must be @want. */
static int cm_wait(struct dbi_session *s, enum rdma_cm_event_type want,
		   int *reason)
{
	struct pollfd pfd = { .fd = s->channel->fd, .events = POLLIN };
	struct rdma_cm_event *ev;
	int ret;

	if (poll(&pfd, 1, s->timeout_ms) <= 0)
		return -ETIMEDOUT;
	if (rdma_get_cm_event(s->channel, &ev))
		return -errno;
	ret = ev->event == want ? 0 : -ECONNREFUSED;
	switch (ev->event) {
	case RDMA_CM_EVENT_ADDR_ERROR:
	case RDMA_CM_EVENT_ROUTE_ERROR:
	case RDMA_CM_EVENT_UNREACHABLE:
		ret = ev->status ? ev->status : -EHOSTUNREACH;
		if (ret > 0)
			ret = -ret;
		break;
	case RDMA_CM_EVENT_REJECTED:
		/* The target says why in the private data; else no listener. */
		if (ev->param.conn.private_data_len >= sizeof(int32_t) &&
		    reason)
			memcpy(reason, ev->param.conn.private_data,
			       sizeof(int32_t));
		break;
	default:
		break;
	}
	rdma_ack_cm_event(ev);
	return ret;
}

static int dbi_setup_verbs(struct dbi_session *s)
{
	struct ibv_qp_init_attr attr = {
		.qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = DBI_SEND_WRS,
			 .max_recv_wr = DBI_RECVS,
			 .max_send_sge = 1,
			 .max_recv_sge = 1 },
	};
	unsigned int i;
	int ret;

	s->pd = ibv_alloc_pd(s->id->verbs);
	if (!s->pd)
		return -ENOMEM;
	s->cq_channel = ibv_create_comp_channel(s->id->verbs);
	if (!s->cq_channel)
		return -errno;
	s->cq = ibv_create_cq(s->id->verbs, 32, NULL, s->cq_channel, 0);
	if (!s->cq)
		return -ENOMEM;
	attr.send_cq = s->cq;
	attr.recv_cq = s->cq;
	if (rdma_create_qp(s->id, s->pd, &attr))
		return -errno;
	s->stage = aligned_alloc(4096, sizeof(*s->stage));
	if (!s->stage)
		return -ENOMEM;
	memset(s->stage, 0, sizeof(*s->stage));
	s->stage_mr =
		ibv_reg_mr(s->pd, s->stage, sizeof(*s->stage),
			   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_REMOTE_WRITE);
	if (!s->stage_mr)
		return -errno;
	for (i = 0; i < DBI_RECVS; i++) {
		ret = dbi_post_recv(s, i);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Resolve @dst's address, in attempts of at most DBI_ADDR_ATTEMPT_MS
 * within the session's timeout.  On a cold neighbour table the kernel
 * sends an ARP request and waits for a neighbour update to look again;
 * when that update does not reach it (seen with Soft-RoCE on a veth
 * pair), it looks only at the deadline and fails, although the reply
 * came long before.  A new attempt finds the neighbour at once.
 */
static int dbi_resolve_addr(struct dbi_session *s, struct sockaddr *src,
			    struct sockaddr *dst)
{
	uint64_t limit = util_now_ms() + s->timeout_ms, now;
	int attempt_ms, ret;

	for (;;) {
		now = util_now_ms();
		attempt_ms = limit - now < DBI_ADDR_ATTEMPT_MS ?
				     (int)(limit - now) :
				     DBI_ADDR_ATTEMPT_MS;
		ret = rdma_resolve_addr(s->id, src, dst, attempt_ms) ? -errno :
								       0;
		if (!ret)
			ret = cm_wait(s, RDMA_CM_EVENT_ADDR_RESOLVED, NULL);
		if (ret != -ETIMEDOUT || util_now_ms() + 1 >= limit)
			return ret;
	}
}

static int dbi_resolve(struct dbi_session *s, const struct dbi_options *o)
{
	struct rdma_addrinfo hints = { .ai_port_space = RDMA_PS_TCP };
	struct rdma_addrinfo *dst = NULL, *src = NULL;
	int ret;

	ret = rdma_getaddrinfo(o->server, o->port ? o->port : DB_DEFAULT_PORT,
			       &hints, &dst);
	if (ret)
		return -EHOSTUNREACH;
	if (o->source) {
		hints.ai_flags = RAI_PASSIVE;
		if (rdma_getaddrinfo(o->source, NULL, &hints, &src)) {
			rdma_freeaddrinfo(dst);
			return -EADDRNOTAVAIL;
		}
	}
	ret = dbi_resolve_addr(s, src ? src->ai_src_addr : NULL,
			       dst->ai_dst_addr);
	if (!ret)
		ret = rdma_resolve_route(s->id, s->timeout_ms) ? -errno : 0;
	if (!ret)
		ret = cm_wait(s, RDMA_CM_EVENT_ROUTE_RESOLVED, NULL);
	if (src)
		rdma_freeaddrinfo(src);
	rdma_freeaddrinfo(dst);
	return ret;
}

int dbi_connect(const struct dbi_options *o, struct dbi_session **sp)
{
	struct db_connect_req req = {
		.magic = DB_PROTO_MAGIC,
		.version = DB_PROTO_VERSION,
	};
	struct rdma_conn_param param = {
		.private_data = &req,
		.private_data_len = sizeof(req),
		.responder_resources = 4,
		.initiator_depth = 4,
		/*
		 * Both QPs take this.  Six, not seven: Soft-RoCE retries
		 * seven times without end, and the target's keepalive must
		 * be able to give up on a vanished initiator.
		 */
		.retry_count = 6,
		.rnr_retry_count = 7,
	};
	struct dbi_session *s;
	struct db_msg msg;
	int reason = 0, ret;

	if (!o || !o->server || o->mode > DBI_MODE_TWO_SIDED_EVENT ||
	    (o->flags & ~DBI_F_KNOWN) ||
	    (o->flags & DBI_F_SLEEP_WAIT && o->flags & DBI_F_POLL_WAIT))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mode = o->mode ? (enum db_mode)o->mode : DB_MODE_ONE_SIDED;
	s->timeout_ms = o->timeout_ms ? o->timeout_ms : DBI_DEFAULT_TIMEOUT_MS;
	s->flags = o->flags;
	req.mode = s->mode;
	req.depth = o->depth;
	s->channel = rdma_create_event_channel();
	if (!s->channel || rdma_create_id(s->channel, &s->id, s, RDMA_PS_TCP)) {
		ret = -errno;
		goto fail;
	}
	ret = dbi_resolve(s, o);
	if (!ret)
		ret = dbi_setup_verbs(s);
	if (!ret)
		ret = rdma_connect(s->id, &param) ? -errno : 0;
	if (!ret)
		ret = cm_wait(s, RDMA_CM_EVENT_ESTABLISHED, &reason);
	if (ret == -ECONNREFUSED && reason < 0)
		ret = reason;
	if (!ret)
		ret = dbi_recv_wait(s, DB_MSG_READY, &msg);
	if (ret)
		goto fail;
	s->ready = msg.ready;
	ret = dbi_geometry_check(&s->ready, &s->max_blocks);
	if (ret)
		goto fail;
	s->cmds = calloc(s->ready.depth, sizeof(*s->cmds));
	if (!s->cmds) {
		ret = -ENOMEM;
		goto fail;
	}
	if (!dbi_two_sided(s)) {
		ret = dbi_queue_setup(s);
		if (ret)
			goto fail;
	}
	s->phase = 1;
	*sp = s;
	return 0;
fail:
	dbi_disconnect(s);
	return ret;
}

void dbi_disconnect(struct dbi_session *s)
{
	if (!s)
		return;
	if (s->id && s->id->qp) {
		rdma_disconnect(s->id);
		rdma_destroy_qp(s->id);
	}
	dbi_queue_teardown(s);
	dbi_buffers_release(s);
	free(s->cmds);
	if (s->stage_mr)
		ibv_dereg_mr(s->stage_mr);
	free(s->stage);
	if (s->cq)
		ibv_destroy_cq(s->cq);
	if (s->cq_channel)
		ibv_destroy_comp_channel(s->cq_channel);
	if (s->pd)
		ibv_dealloc_pd(s->pd);
	if (s->id)
		rdma_destroy_id(s->id);
	if (s->channel)
		rdma_destroy_event_channel(s->channel);
	free(s);
}

uint32_t dbi_nsid(const struct dbi_session *s)
{
	return s->ready.nsid;
}

uint64_t dbi_blocks(const struct dbi_session *s)
{
	return s->ready.blocks;
}

uint32_t dbi_block_size(const struct dbi_session *s)
{
	return s->ready.block_size;
}

uint32_t dbi_max_transfer(const struct dbi_session *s)
{
	return s->ready.max_transfer;
}

uint16_t dbi_queue_id(const struct dbi_session *s)
{
	return s->ready.qid;
}

/*
 * Version 0.2 added copied_bytes to struct dbi_session_stats.  Programs
 * built against 0.1 pass the struct without it and get their version.
 */
struct dbi_session_stats_0_1 {
	uint64_t commands, rdma_writes, rdma_reads, cq_reads, empty_cq_reads,
		sends;
};

void dbi_session_stats_0_1(const struct dbi_session *s,
			   struct dbi_session_stats_0_1 *stats);
void dbi_session_stats_0_2(const struct dbi_session *s,
			   struct dbi_session_stats *stats);

__attribute__((symver("dbi_session_stats@DOORBELL_INITIATOR_0.1"))) void
dbi_session_stats_0_1(const struct dbi_session *s,
		      struct dbi_session_stats_0_1 *stats)
{
	memcpy(stats, &s->stats, sizeof(*stats));
}

__attribute__((symver("dbi_session_stats@@DOORBELL_INITIATOR_0.2"))) void
dbi_session_stats_0_2(const struct dbi_session *s,
		      struct dbi_session_stats *stats)
{
	*stats = s->stats;
}

uint16_t dbi_queue_depth(const struct dbi_session *s)
{
	return s->ready.depth;
}

const struct db_ready *dbi_ready(const struct dbi_session *s)
{
	return &s->ready;
}

int dbi_probe_write(struct dbi_session *s, uint64_t addr, uint32_t rkey,
		    uint32_t value)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)&s->stage->probe,
		.length = 4,
		.lkey = s->stage_mr->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = 2,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = IBV_WR_RDMA_WRITE,
		.wr.rdma = { .remote_addr = addr, .rkey = rkey },
	};

	s->stage->probe = value;
	return dbi_post_wait(s, &wr);
}

int dbi_target_stats(struct dbi_session *s, struct dbi_target_stats *stats)
{
	struct db_msg msg = { .magic = DB_PROTO_MAGIC,
			      .type = DB_MSG_STATS,
			      .tag = s->next_tag++ };
	int ret;

	ret = dbi_send(s, &msg);
	if (!ret)
		ret = dbi_recv_wait(s, DB_MSG_STATS, &msg);
	if (!ret)
		*stats = (struct dbi_target_stats){
			.thread_cpu_ns = msg.stats.thread_cpu_ns,
			.process_cpu_ns = msg.stats.process_cpu_ns,
			.commands = msg.stats.commands,
			.thread_sleeps = msg.stats.thread_sleeps,
		};
	return ret;
}
