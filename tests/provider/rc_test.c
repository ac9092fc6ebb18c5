// SPDX-License-Identifier: GPL-2.0
/*
 * Two RC queue pairs in one process, one on each rxe device, connected
 * directly: RDMA WRITE and READ with their data checked, memory windows of
 * both types, an access outside a window, posting on a QP in error, and a
 * CQ that overflows.
 *
 *   rc_test DEV_A GID_INDEX_A DEV_B GID_INDEX_B
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <infiniband/verbs.h>

#include "check.h"
#include "rc_pair.h"

#define BUF_SIZE 65536

struct side {
	struct rc_side rc;
	struct ibv_mr *mr;
	uint8_t *buf;
};

static void setup(struct side *s, const char *dev, int gid_index)
{
	if (rc_side_open(&s->rc, dev, gid_index))
		exit(2);
	s->buf = aligned_alloc(4096, BUF_SIZE);
	memset(s->buf, 0, BUF_SIZE);
	s->mr = ibv_reg_mr(s->rc.pd, s->buf, BUF_SIZE,
			   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
			   IBV_ACCESS_REMOTE_READ | IBV_ACCESS_MW_BIND);
	if (!s->mr) {
		fprintf(stderr, "ibv_reg_mr on %s failed\n", dev);
		exit(2);
	}
}

static int rdma(struct side *from, int opcode, uint64_t local_off,
		uint64_t remote_addr, uint32_t rkey, uint32_t len,
		struct ibv_wc *wc)
{
	return rc_rdma(&from->rc, opcode, from->buf + local_off,
		       from->mr->lkey, len, remote_addr, rkey, wc);
}

static void test_write_read(struct side *a, struct side *b)
{
	struct ibv_wc wc;
	int i, ret;

	for (i = 0; i < 4096; i++)
		a->buf[i] = (uint8_t)(i * 7 + 1);
	ret = rdma(a, IBV_WR_RDMA_WRITE, 0, (uintptr_t)b->buf + 100,
		   b->mr->rkey, 4096, &wc);
	check(!ret && wc.status == IBV_WC_SUCCESS &&
	      wc.opcode == IBV_WC_RDMA_WRITE && wc.wr_id == 0xd00b,
	      "RDMA WRITE 4 KiB a->b completes (%s)",
	      ibv_wc_status_str(wc.status));
	check(!memcmp(a->buf, b->buf + 100, 4096),
	      "the bytes landed in b's buffer at offset 100");

	ret = rdma(a, IBV_WR_RDMA_READ, 8192, (uintptr_t)b->buf + 100,
		   b->mr->rkey, 4096, &wc);
	check(!ret && wc.status == IBV_WC_SUCCESS &&
	      wc.opcode == IBV_WC_RDMA_READ && wc.byte_len == 4096 &&
	      !memcmp(a->buf + 8192, a->buf, 4096),
	      "RDMA READ brings them back (%s)", ibv_wc_status_str(wc.status));
}

static void test_windows(struct side *a, struct side *b)
{
	struct ibv_mw *mw1, *mw2;
	struct ibv_wc wc;
	int ret;

	/* Type 1: ibv_bind_mw(), the window's rkey changes. */
	mw1 = ibv_alloc_mw(b->rc.pd, IBV_MW_TYPE_1);
	check(mw1 != NULL, "alloc a type 1 window");
	if (mw1) {
		struct ibv_mw_bind bind = {
			.wr_id = 1,
			.send_flags = IBV_SEND_SIGNALED,
			.bind_info = { .mr = b->mr,
				       .addr = (uintptr_t)b->buf + 4096,
				       .length = 4096,
				       .mw_access_flags =
					       IBV_ACCESS_REMOTE_WRITE },
		};
		uint32_t old = mw1->rkey;

		ret = ibv_bind_mw(b->rc.qp, mw1, &bind);
		check(!ret && rc_wait_wc(b->rc.cq, &wc) &&
	      wc.status == IBV_WC_SUCCESS &&
		      mw1->rkey != old, "bind it: rkey %#x -> %#x", old,
		      mw1->rkey);
		ret = rdma(a, IBV_WR_RDMA_WRITE, 0, (uintptr_t)b->buf + 4096,
			   mw1->rkey, 64, &wc);
		check(!ret && wc.status == IBV_WC_SUCCESS,
		      "a writes through the type 1 window (%s)",
		      ibv_wc_status_str(wc.status));
	}

	/* Type 2: bound by a BIND_MW work request to 8 bytes. */
	mw2 = ibv_alloc_mw(b->rc.pd, IBV_MW_TYPE_2);
	check(mw2 != NULL, "alloc a type 2 window");
	if (!mw2)
		return;
	uint32_t rkey = rc_bind_window(&b->rc, mw2, b->mr,
				       (uintptr_t)b->buf + 64, 8,
				       IBV_ACCESS_REMOTE_WRITE, &wc);

	check(rkey != 0, "bind a type 2 window over 8 bytes (%s)",
	      ibv_wc_status_str(wc.status));

	memset(b->buf + 56, 0, 24);
	memcpy(a->buf, "DOORBELL", 8);
	ret = rdma(a, IBV_WR_RDMA_WRITE, 0, (uintptr_t)b->buf + 64, rkey, 8,
		   &wc);
	check(!ret && wc.status == IBV_WC_SUCCESS &&
	      !memcmp(b->buf + 64, "DOORBELL", 8),
	      "a writes the 8 bytes of the window (%s)",
	      ibv_wc_status_str(wc.status));

	ret = rdma(a, IBV_WR_RDMA_WRITE, 0, (uintptr_t)b->buf + 68, rkey, 8,
		   &wc);
	check(!ret && wc.status == IBV_WC_REM_ACCESS_ERR,
	      "a write running 4 bytes past the window fails (%s)",
	      ibv_wc_status_str(wc.status));
	check(!memcmp(b->buf + 72, "\0\0\0\0\0\0\0\0", 8),
	      "nothing was written past the window");
}

/* Resizing a CQ keeps it working; rereg changes an MR's access. */
static void test_resize_rereg(struct side *a, struct side *b)
{
	struct ibv_wc wc;
	int ret;

	ret = ibv_resize_cq(a->rc.cq, 1024);
	check(!ret && a->rc.cq->cqe >= 1024, "resize a's CQ to %d entries (%s)",
	      a->rc.cq->cqe, ret ? strerror(ret) : "ok");
	ret = rdma(a, IBV_WR_RDMA_WRITE, 0, (uintptr_t)b->buf, b->mr->rkey, 64,
		   &wc);
	check(!ret && wc.status == IBV_WC_SUCCESS,
	      "completions arrive in the resized CQ (%s)",
	      ibv_wc_status_str(wc.status));

	ret = ibv_rereg_mr(b->mr, IBV_REREG_MR_CHANGE_ACCESS, NULL, NULL, 0,
			   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ |
			   IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_MW_BIND);
	check(ret == 0, "rereg_mr changes b's MR access (%d)", ret);
}

/* The extended CQ API: a QP on a CQ made by ibv_create_cq_ex(). */
static void test_cq_ex(struct side *a, struct side *b)
{
	struct ibv_cq_init_attr_ex attr = {
		.cqe = 64,
		.wc_flags = IBV_WC_EX_WITH_BYTE_LEN | IBV_WC_EX_WITH_QP_NUM,
	};
	struct ibv_poll_cq_attr pattr = {};
	struct ibv_cq_ex *cq = ibv_create_cq_ex(a->rc.ctx, &attr);
	struct ibv_qp *qa, *qb;
	struct ibv_sge sge = { (uintptr_t)a->buf, 512, a->mr->lkey };
	struct ibv_send_wr wr = {
		.wr_id = 77, .sg_list = &sge, .num_sge = 1,
		.opcode = IBV_WR_RDMA_READ, .send_flags = IBV_SEND_SIGNALED,
		.wr.rdma = { (uintptr_t)b->buf, b->mr->rkey },
	}, *bad;
	int ret = ENOENT;
	long spins;

	check(cq != NULL, "ibv_create_cq_ex");
	if (!cq)
		return;
	attr.wc_flags = IBV_WC_EX_WITH_COMPLETION_TIMESTAMP;
	errno = 0;
	check(!ibv_create_cq_ex(a->rc.ctx, &attr) && errno == EOPNOTSUPP,
	      "a CQ with timestamps is refused (%s)", strerrorname_np(errno));
	qa = rc_create_qp(a->rc.pd, ibv_cq_ex_to_cq(cq));
	qb = rc_create_qp(b->rc.pd, b->rc.cq);
	check(qa && qb && !rc_connect_qp(qa, &a->rc, &b->rc, qb->qp_num) &&
	      !rc_connect_qp(qb, &b->rc, &a->rc, qa->qp_num), "a QP pair on it");
	ibv_post_send(qa, &wr, &bad);
	for (spins = 0; spins < 200000000L && ret == ENOENT; spins++)
		ret = ibv_start_poll(cq, &pattr);
	check(!ret && cq->wr_id == 77 && cq->status == IBV_WC_SUCCESS &&
	      ibv_wc_read_opcode(cq) == IBV_WC_RDMA_READ &&
	      ibv_wc_read_byte_len(cq) == 512 &&
	      ibv_wc_read_qp_num(cq) == qa->qp_num,
	      "start_poll reads the completion of an RDMA READ");
	if (!ret) {
		check(ibv_next_poll(cq) == ENOENT, "next_poll: no more");
		ibv_end_poll(cq);
	}
	ibv_destroy_qp(qa);
	ibv_destroy_qp(qb);
	check(!ibv_destroy_cq(ibv_cq_ex_to_cq(cq)), "destroy the extended CQ");
}

/* The ibv_wr_* API on a QP made by ibv_create_qp_ex(). */
static void test_qp_ex(struct side *a, struct side *b)
{
	struct ibv_qp_init_attr_ex attr = {
		.send_cq = a->rc.cq,
		.recv_cq = a->rc.cq,
		.cap = { .max_send_wr = 16, .max_recv_wr = 16,
			 .max_send_sge = 1, .max_recv_sge = 1,
			 .max_inline_data = 64 },
		.qp_type = IBV_QPT_RC,
		.comp_mask = IBV_QP_INIT_ATTR_PD |
			     IBV_QP_INIT_ATTR_SEND_OPS_FLAGS,
		.pd = a->rc.pd,
		.send_ops_flags = IBV_QP_EX_WITH_RDMA_WRITE |
				  IBV_QP_EX_WITH_RDMA_READ,
	};
	struct ibv_qp_init_attr got;
	struct ibv_qp_attr qattr;
	struct ibv_sge many[64];
	struct ibv_qp *qa, *qb;
	struct ibv_qp_ex *qx;
	struct ibv_wc wc[2];
	int ret, n = 0;
	long spins;

	attr.send_ops_flags |= IBV_QP_EX_WITH_TSO;
	errno = 0;
	qa = ibv_create_qp_ex(a->rc.ctx, &attr);
	ret = errno;
	check(!qa && ret == EOPNOTSUPP, "TSO send ops are refused (%s)",
	      strerrorname_np(ret));
	attr.send_ops_flags &= ~IBV_QP_EX_WITH_TSO;
	qa = ibv_create_qp_ex(a->rc.ctx, &attr);
	qb = rc_create_qp(b->rc.pd, b->rc.cq);
	qx = qa ? ibv_qp_to_qp_ex(qa) : NULL;
	check(qx && qb && !rc_connect_qp(qa, &a->rc, &b->rc, qb->qp_num) &&
	      !rc_connect_qp(qb, &b->rc, &a->rc, qa->qp_num),
	      "ibv_create_qp_ex with send ops, and its ibv_qp_ex");
	if (!qx)
		return;

	memcpy(a->buf + 1024, "wr-api-sge", 10);
	memset(b->buf + 2048, 0, 64);
	ibv_wr_start(qx);
	qx->wr_id = 41;
	qx->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_rdma_write(qx, b->mr->rkey, (uintptr_t)b->buf + 2048);
	ibv_wr_set_sge(qx, a->mr->lkey, (uintptr_t)a->buf + 1024, 10);
	qx->wr_id = 42;
	ibv_wr_rdma_write(qx, b->mr->rkey, (uintptr_t)b->buf + 2048 + 16);
	ibv_wr_set_inline_data(qx, "wr-api-inline", 13);
	ret = ibv_wr_complete(qx);
	for (spins = 0; spins < 200000000L && n < 2; spins++)
		n += ibv_poll_cq(a->rc.cq, 2 - n, wc + n);
	check(!ret && n == 2 && wc[0].wr_id == 41 && wc[1].wr_id == 42 &&
	      wc[0].status == IBV_WC_SUCCESS && wc[1].status == IBV_WC_SUCCESS,
	      "two writes in one wr_start/wr_complete complete in order");
	check(!memcmp(b->buf + 2048, "wr-api-sge", 10) &&
	      !memcmp(b->buf + 2048 + 16, "wr-api-inline", 13),
	      "the SGE write and the inline write both landed");

	/* One more SGE than the QP was given. */
	ibv_query_qp(qa, &qattr, IBV_QP_CAP, &got);
	for (n = 0; n < 64; n++)
		many[n] = (struct ibv_sge){ (uintptr_t)a->buf, 8, a->mr->lkey };
	n = got.cap.max_send_sge + 1;
	ibv_wr_start(qx);
	ibv_wr_rdma_write(qx, b->mr->rkey, (uintptr_t)b->buf);
	ibv_wr_set_sge_list(qx, n <= 64 ? n : 64, many);
	ret = ibv_wr_complete(qx);
	check(n <= 64 && ret == EINVAL && ibv_poll_cq(a->rc.cq, 1, wc) == 0,
	      "%d SGEs on a QP of %u: wr_complete fails with EINVAL, nothing "
	      "posted", n, got.cap.max_send_sge);

	ibv_destroy_qp(qa);
	ibv_destroy_qp(qb);
}

/* After the access error above, a's QP is in error: posts are flushed. */
static void test_errored_qp(struct side *a, struct side *b)
{
	struct ibv_qp_attr attr;
	struct ibv_qp_init_attr init;
	struct ibv_wc wc;
	int ret;

	ret = ibv_query_qp(a->rc.qp, &attr, IBV_QP_STATE, &init);
	check(!ret && attr.qp_state == IBV_QPS_ERR,
	      "the access error moved a's QP to ERR (state %d)",
	      attr.qp_state);
	ret = rdma(a, IBV_WR_RDMA_WRITE, 0, (uintptr_t)b->buf, b->mr->rkey, 8,
		   &wc);
	check(!ret && wc.status == IBV_WC_WR_FLUSH_ERR,
	      "a write posted on the QP in ERR is flushed (%s)",
	      ibv_wc_status_str(wc.status));
}

/* A CQ with room for 1 entry gets more: the device reports CQ_ERR. */
static void test_cq_overflow(struct side *a, struct side *b)
{
	struct ibv_cq *small = ibv_create_cq(a->rc.ctx, 1, NULL, NULL, 0);
	struct ibv_qp *qa = rc_create_qp(a->rc.pd, small);
	struct ibv_qp *qb = rc_create_qp(b->rc.pd, b->rc.cq);
	struct ibv_async_event ev;
	struct pollfd pfd = { .fd = a->rc.ctx->async_fd, .events = POLLIN };
	struct ibv_sge sge = { (uintptr_t)a->buf, 8, a->mr->lkey };
	struct ibv_send_wr wr = {
		.sg_list = &sge, .num_sge = 1, .opcode = IBV_WR_RDMA_WRITE,
		.send_flags = IBV_SEND_SIGNALED,
		.wr.rdma = { (uintptr_t)b->buf, b->mr->rkey },
	}, *bad;
	int i, got = 0;

	check(small && qa && qb && !rc_connect_qp(qa, &a->rc, &b->rc, qb->qp_num) &&
	      !rc_connect_qp(qb, &b->rc, &a->rc, qa->qp_num),
	      "a second QP pair on a CQ of %d entries", small ? small->cqe : 0);
	for (i = 0; i < 16; i++)
		ibv_post_send(qa, &wr, &bad);
	/* Async events arrive on the context's async fd. */
	while (poll(&pfd, 1, 5000) == 1 && !ibv_get_async_event(a->rc.ctx, &ev)) {
		if (ev.event_type == IBV_EVENT_CQ_ERR)
			got = 1;
		ibv_ack_async_event(&ev);
		if (got)
			break;
	}
	check(got, "16 completions into it raise IBV_EVENT_CQ_ERR");
	ibv_destroy_qp(qa);
	ibv_destroy_qp(qb);
	ibv_destroy_cq(small);
}

int main(int argc, char **argv)
{
	struct side a = {}, b = {};

	if (argc != 5) {
		fprintf(stderr, "usage: %s DEV_A GID_A DEV_B GID_B\n", argv[0]);
		return 2;
	}
	setup(&a, argv[1], atoi(argv[2]));
	setup(&b, argv[3], atoi(argv[4]));
	check(a.rc.qp && b.rc.qp && !rc_connect(&a.rc, &b.rc),
	      "connect RC QPs %s <-> %s", argv[1], argv[3]);

	test_write_read(&a, &b);
	test_resize_rereg(&a, &b);
	test_cq_ex(&a, &b);
	test_qp_ex(&a, &b);
	test_windows(&a, &b);
	test_errored_qp(&a, &b);
	test_cq_overflow(&a, &b);
	return check_summary();
}
