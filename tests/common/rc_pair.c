// SPDX-License-Identifier: GPL-2.0
/* Two connected RC queue pairs in one process: see rc_pair.h. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ibdev.h"
#include "rc_pair.h"
#include "verbs.h"

int rc_side_open(struct rc_side *s, const char *dev, int gid_index)
{
	memset(s, 0, sizeof(*s));
	s->ctx = open_ibv_device(dev);
	if (!s->ctx) {
		fprintf(stderr, "cannot open %s\n", dev);
		return -1;
	}
	s->gid_index = gid_index;
	if (ibv_query_gid(s->ctx, 1, gid_index, &s->gid)) {
		fprintf(stderr, "%s has no GID %d\n", dev, gid_index);
		return -1;
	}
	s->pd = ibv_alloc_pd(s->ctx);
	s->cq = s->pd ? ibv_create_cq(s->ctx, 256, NULL, NULL, 0) : NULL;
	s->qp = s->cq ? rc_create_qp(s->pd, s->cq) : NULL;
	if (!s->qp) {
		fprintf(stderr, "set-up on %s failed\n", dev);
		return -1;
	}
	return 0;
}

void rc_side_close(struct rc_side *s)
{
	if (s->qp)
		ibv_destroy_qp(s->qp);
	if (s->cq)
		ibv_destroy_cq(s->cq);
	if (s->pd)
		ibv_dealloc_pd(s->pd);
	if (s->ctx)
		ibv_close_device(s->ctx);
	memset(s, 0, sizeof(*s));
}

struct ibv_qp *rc_create_qp(struct ibv_pd *pd, struct ibv_cq *cq)
{
	struct ibv_qp_init_attr attr = {
		.send_cq = cq,
		.recv_cq = cq,
		.cap = { .max_send_wr = 64, .max_recv_wr = 64,
			 .max_send_sge = 2, .max_recv_sge = 2,
			 .max_inline_data = 64 },
		.qp_type = IBV_QPT_RC,
	};

	return ibv_create_qp(pd, &attr);
}

int rc_connect_qp(struct ibv_qp *qp, const struct rc_side *self,
		  const struct rc_side *peer, uint32_t peer_qpn)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.port_num = 1,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_REMOTE_ATOMIC,
	};

	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_ACCESS_FLAGS))
		return -1;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_1024;
	a.dest_qp_num = peer_qpn;
	a.max_dest_rd_atomic = 1;
	a.min_rnr_timer = 12;
	a.ah_attr.is_global = 1;
	a.ah_attr.grh.dgid = peer->gid;
	a.ah_attr.grh.sgid_index = self->gid_index;
	a.ah_attr.grh.hop_limit = 1;
	a.ah_attr.port_num = 1;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER))
		return -1;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	/*
	 * About 1 s (4.096 us << 18) before a retransmit.  Under TCG on a
	 * loaded host a 1 MiB READ's 1,024 responses can take longer than
	 * the 67 ms of timeout 14: the requester then asks again, and the
	 * duplicate READ can reach the responder after the test has
	 * deregistered the MR it read.  Soft-RoCE answers that with a
	 * remote access NAK, which the requester ignores (that READ has
	 * completed), and moves its own QP to the error state, where it
	 * drops everything that follows.
	 */
	a.timeout = 18;
	/*
	 * Six retries, not seven: Soft-RoCE takes 7 for "retry for ever",
	 * so a peer that went quiet would hang each request instead of
	 * failing it with a retry-exceeded error.
	 */
	a.retry_cnt = 6;
	a.rnr_retry = 7;
	a.max_rd_atomic = 1;
	return ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT |
			     IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
			     IBV_QP_SQ_PSN | IBV_QP_MAX_QP_RD_ATOMIC);
}

int rc_connect(struct rc_side *a, struct rc_side *b)
{
	if (rc_connect_qp(a->qp, a, b, b->qp->qp_num) ||
	    rc_connect_qp(b->qp, b, a, a->qp->qp_num))
		return -1;
	return 0;
}

static void drain_cq(struct ibv_cq *cq)
{
	struct ibv_wc wc[16];

	while (ibv_poll_cq(cq, 16, wc) > 0)
		;
}

/*
 * Reset @qp, and see that it stays reset.  Soft-RoCE reports an error's
 * completion before its task moves the QP to the error state, and a
 * reset that comes in between is undone when that task runs on: the QP
 * is then in ERR, and connecting it again fails with EINVAL.  The reset
 * waits for the QP's tasks to stop, so a second one holds.
 */
static int reset_qp(struct ibv_qp *qp)
{
	struct ibv_qp_attr attr = { .qp_state = IBV_QPS_RESET };
	struct ibv_qp_init_attr init;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		if (ibv_modify_qp(qp, &attr, IBV_QP_STATE) ||
		    ibv_query_qp(qp, &attr, IBV_QP_STATE, &init))
			return -1;
		if (attr.qp_state == IBV_QPS_RESET)
			return 0;
		attr.qp_state = IBV_QPS_RESET;
	}
	return -1;
}

int rc_reconnect(struct rc_side *a, struct rc_side *b)
{
	if (reset_qp(a->qp) || reset_qp(b->qp))
		return -1;
	drain_cq(a->cq);
	drain_cq(b->cq);
	return rc_connect(a, b);
}

int rc_wait_wc_ms(struct ibv_cq *cq, struct ibv_wc *wc, long ms)
{
	struct timespec start, now;
	unsigned long spins = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int n = ibv_poll_cq(cq, 1, wc);

		if (n)
			return n > 0 ? 1 : -1;
		/* Look at the clock now and then only: it costs a syscall. */
		if (++spins % 4096)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 +
			    (now.tv_nsec - start.tv_nsec) / 1000000 >
		    ms)
			return 0;
	}
}

int rc_wait_wc(struct ibv_cq *cq, struct ibv_wc *wc)
{
	return rc_wait_wc_ms(cq, wc, 11000) > 0;
}

/*
 * A work request that got no completion at all within the wait: print the
 * QP's state and what Soft-RoCE counted on every device (retries, NAKs,
 * drops), so that a stall names the side that went quiet.
 */
static void rc_report_stall(struct ibv_qp *qp)
{
	struct ibv_qp_init_attr init;
	struct ibv_qp_attr attr;
	glob_t g;
	size_t i;

	if (!ibv_query_qp(qp, &attr, IBV_QP_STATE, &init))
		printf("# no completion: QP %u is in state %d\n", qp->qp_num,
		       attr.qp_state);
	if (glob("/sys/class/infiniband/*/ports/1/hw_counters/*", 0, NULL,
		 &g))
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		unsigned long long v = 0;
		FILE *f = fopen(g.gl_pathv[i], "r");

		if (!f)
			continue;
		if (fscanf(f, "%llu", &v) == 1 && v)
			printf("# %s %llu\n",
			       g.gl_pathv[i] + strlen("/sys/class/infiniband/"),
			       v);
		fclose(f);
	}
	globfree(&g);
}

int rc_rdma(struct rc_side *from, enum ibv_wr_opcode opcode, void *laddr,
	    uint32_t lkey, uint32_t len, uint64_t raddr, uint32_t rkey,
	    struct ibv_wc *wc)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)laddr,
		.length = len,
		.lkey = lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = 0xd00b,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = opcode,
		.send_flags = IBV_SEND_SIGNALED,
		.wr.rdma = { .remote_addr = raddr, .rkey = rkey },
	}, *bad;
	int ret;

	if (opcode == IBV_WR_ATOMIC_FETCH_AND_ADD ||
	    opcode == IBV_WR_ATOMIC_CMP_AND_SWP)
		wr.wr.atomic = (typeof(wr.wr.atomic)){
			.remote_addr = raddr, .compare_add = 1, .rkey = rkey,
		};
	ret = ibv_post_send(from->qp, &wr, &bad);
	if (ret)
		return ret;
	memset(wc, 0, sizeof(*wc));
	if (!rc_wait_wc(from->cq, wc)) {
		rc_report_stall(from->qp);
		return ETIMEDOUT;
	}
	return 0;
}

uint32_t rc_bind_window(struct rc_side *s, struct ibv_mw *mw,
			struct ibv_mr *mr, uint64_t addr, uint64_t len,
			int access, struct ibv_wc *wc)
{
	uint32_t rkey = 0;

	memset(wc, 0, sizeof(*wc));
	if (util_post_bind_mw(s->qp, mw, mr, addr, len, access, 7, &rkey) ||
	    !rc_wait_wc(s->cq, wc) || wc->status != IBV_WC_SUCCESS ||
	    wc->opcode != IBV_WC_BIND_MW)
		return 0;
	return rkey;
}
