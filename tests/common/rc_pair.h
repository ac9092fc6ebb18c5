/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two RC queue pairs in one process, one on each of two verbs devices,
 * connected to each other directly (no rdma_cm): the set-up the C tests
 * and benchmarks share.
 */
#ifndef DOORBELL_TEST_RC_PAIR_H
#define DOORBELL_TEST_RC_PAIR_H

#include <stdint.h>

#include <infiniband/verbs.h>

struct rc_side {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_qp *qp;	/* on @cq, connected by rc_connect() */
	union ibv_gid gid;
	int gid_index;
};

/* Open @dev and make its PD, a CQ of 256 entries and an RC QP; 0 or -1. */
int rc_side_open(struct rc_side *s, const char *dev, int gid_index);
void rc_side_close(struct rc_side *s);

/* An RC QP: 64 send and receive WRs of 2 SGEs, 64 bytes inline. */
struct ibv_qp *rc_create_qp(struct ibv_pd *pd, struct ibv_cq *cq);

/* Take @qp from RESET to RTS, connected to @peer_qpn at @peer's GID. */
int rc_connect_qp(struct ibv_qp *qp, const struct rc_side *self,
		  const struct rc_side *peer, uint32_t peer_qpn);

/* Connect a->qp and b->qp to each other; 0 or -1. */
int rc_connect(struct rc_side *a, struct rc_side *b);

/*
 * After an error: move both QPs to RESET, drop what their CQs hold and
 * connect them again.
 */
int rc_reconnect(struct rc_side *a, struct rc_side *b);

/*
 * Wait, at most about @ms milliseconds, for one completion: 1, 0 if none
 * came, or -1 if polling failed.
 */
int rc_wait_wc_ms(struct ibv_cq *cq, struct ibv_wc *wc, long ms);

/* Wait, at most about ten seconds, for one completion: 1, or 0. */
int rc_wait_wc(struct ibv_cq *cq, struct ibv_wc *wc);

/*
 * Post one signaled RDMA WRITE or READ (or atomic) of @len bytes between
 * local @laddr/@lkey and remote @raddr/@rkey, and wait for it.  0 with
 * *@wc filled in, an errno from posting, or ETIMEDOUT.
 */
int rc_rdma(struct rc_side *from, enum ibv_wr_opcode opcode, void *laddr,
	    uint32_t lkey, uint32_t len, uint64_t raddr, uint32_t rkey,
	    struct ibv_wc *wc);

/*
 * Bind type 2 window @mw over [@addr, +@len) of @mr with a BIND_MW work
 * request on s->qp, and wait for it.  The window's new rkey, or 0 with
 * *@wc telling why (status IBV_WC_SUCCESS and opcode 0 if it never came).
 */
uint32_t rc_bind_window(struct rc_side *s, struct ibv_mw *mw,
			struct ibv_mr *mr, uint64_t addr, uint64_t len,
			int access, struct ibv_wc *wc);

#endif
