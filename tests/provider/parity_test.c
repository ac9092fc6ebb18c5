// SPDX-License-Identifier: GPL-2.0
/*
 * The answers of an rxe provider to the verbs both dbrxe and librxe
 * implement, good and bad arguments alike:
 *
 *   parity_test DEV_A GID_INDEX_A DEV_B GID_INDEX_B [NVME_BDF]
 *
 * One line per case, "CASE: ANSWER", and no verdict: tests/provider/
 * parity.sh runs this once on each provider and compares the two
 * outputs.  Lines starting with "addition " are dbrxe's additions
 * (dma-buf MRs, a change of access by rereg_mr), which librxe answers
 * with EOPNOTSUPP; the script checks those on their own.  A case that may
 * crash a provider runs in a child process, so that its answer can be
 * "killed by signal N" instead of the end of the run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "rc_pair.h"
#include "doorbell_vfio_pci.h"

#define BUF_SIZE 65536

struct side {
	struct rc_side rc;
	struct ibv_mr *mr;
	uint8_t *buf;
};

static void say(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* An errno as its name: "ok" for 0, "-EINVAL" for a negated one. */
static const char *ename(int err)
{
	static char buf[8][32];
	static int next;
	char *b = buf[next++ % 8];

	if (!err)
		return "ok";
	snprintf(b, sizeof(buf[0]), "%s%s", err < 0 ? "-" : "",
		 strerrorname_np(err < 0 ? -err : err) ?: "?");
	return b;
}

/* The answer of a call that returns an object, or NULL and errno. */
static const char *pname(const void *p)
{
	return p ? "ok" : ename(errno);
}

/* The poison put into *bad_wr before a post, so "unset" can be told. */
static char bad_unset;
#define BAD_UNSET ((void *)&bad_unset)

/* Which request of a list *bad_wr names: "#N", "null" or "unset". */
static const char *bad_index(const void *bad, const void *const *list, int n)
{
	static char buf[16];
	int i;

	if (bad == BAD_UNSET)
		return "unset";
	if (!bad)
		return "null";
	for (i = 0; i < n; i++)
		if (bad == list[i]) {
			snprintf(buf, sizeof(buf), "#%d", i);
			return buf;
		}
	return "elsewhere";
}

static void setup(struct side *s, const char *dev, int gid_index, bool ex);

/* The devices of the run, for the set-up of a child. */
static const char *dev_a, *dev_b;
static int gid_a, gid_b;

/*
 * Run @fn in a child and report how it ended if it did not exit.  The
 * child opens the devices again and connects a pair of its own: uverbs
 * refuses commands on a file opened by another process's credentials.
 */
static void in_child(const char *name,
		     void (*fn)(struct side *a, struct side *b))
{
	struct side a, b;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setup(&a, dev_a, gid_a, false);
		setup(&b, dev_b, gid_b, false);
		if (rc_connect(&a.rc, &b.rc)) {
			say(name, "child set-up failed");
			_exit(0);
		}
		fn(&a, &b);
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		say(name, "fork failed");
	else if (WIFSIGNALED(status))
		say(name, "killed by signal %d", WTERMSIG(status));
}

/* Wait up to @ms for one completion on @cq: its status name, or "none". */
static const char *wait_status(struct ibv_cq *cq, int ms, struct ibv_wc *out)
{
	struct ibv_wc wc;
	int n = rc_wait_wc_ms(cq, &wc, ms);

	if (n < 0)
		return "poll failed";
	if (!n)
		return "none";
	if (out)
		*out = wc;
	return ibv_wc_status_str(wc.status);
}

/* After a case that may have failed a QP: both QPs back to RTS. */
static void reconnect(struct side *a, struct side *b)
{
	if (rc_reconnect(&a->rc, &b->rc)) {
		fprintf(stderr, "reconnecting the RC pair failed\n");
		exit(2);
	}
}

static void test_device(struct side *a)
{
	struct ibv_device_attr_ex ex;
	struct ibv_device_attr attr;
	int ret;

	ret = ibv_query_device(a->rc.ctx, &attr);
	say("query_device", "%s fw_ver=\"%s\"", ename(ret), attr.fw_ver);
	ret = ibv_query_device_ex(a->rc.ctx, NULL, &ex);
	say("query_device_ex", "%s fw_ver=\"%s\"", ename(ret),
	    ex.orig_attr.fw_ver);
}

static void test_rereg(struct side *a)
{
	struct ibv_pd *pd2 = ibv_alloc_pd(a->rc.ctx);
	void *buf = aligned_alloc(4096, 8192);
	struct ibv_mr *mr;
	int ret;

	mr = ibv_reg_mr(a->rc.pd, buf, 4096, IBV_ACCESS_LOCAL_WRITE);
	ret = ibv_rereg_mr(mr, IBV_REREG_MR_CHANGE_PD, pd2, NULL, 0, 0);
	say("addition rereg_mr pd", "%d pd_moved=%d", ret, mr->pd == pd2);
	/* The kernel's view: the MR now holds the new PD. */
	say("addition rereg_mr pd holds it", "%s",
	    ret ? "not moved" : ename(ibv_dealloc_pd(pd2)));
	ret = ibv_rereg_mr(mr, IBV_REREG_MR_CHANGE_TRANSLATION, NULL, buf, 8192,
			   0);
	say("rereg_mr translation", "%d length=%zu", ret, mr->length);
	ret = ibv_rereg_mr(mr, IBV_REREG_MR_CHANGE_ACCESS, NULL, NULL, 0,
			   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ);
	say("addition rereg_mr access", "%d", ret);
	ret = ibv_rereg_mr(mr, 0x80, NULL, NULL, 0, 0);
	say("rereg_mr unknown flag", "%d", ret);
	say("dereg_mr after rereg", "%s", ename(ibv_dereg_mr(mr)));
	mr = ibv_reg_mr(a->rc.pd, buf, 4096,
			IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_RELAXED_ORDERING |
				(IBV_ACCESS_OPTIONAL_FIRST << 5));
	say("reg_mr optional access", "%s", pname(mr));
	if (mr)
		ibv_dereg_mr(mr);
	ibv_dealloc_pd(pd2);
	free(buf);
}

static void try_cq_ex(struct side *a, const char *name, uint64_t wc_flags,
		      uint32_t comp_mask, uint32_t flags)
{
	struct ibv_cq_init_attr_ex attr = {
		.cqe = 16,
		.wc_flags = wc_flags,
		.comp_mask = comp_mask,
		.flags = flags,
	};
	struct ibv_cq_ex *cq = ibv_create_cq_ex(a->rc.ctx, &attr);

	say(name, "%s", pname(cq));
	if (cq)
		ibv_destroy_cq(ibv_cq_ex_to_cq(cq));
}

static void test_cq_ex(struct side *a)
{
	const uint32_t fl = IBV_CQ_INIT_ATTR_MASK_FLAGS;

	try_cq_ex(a, "create_cq_ex standard", IBV_WC_STANDARD_FLAGS, 0, 0);
	try_cq_ex(a, "create_cq_ex single_threaded", IBV_WC_EX_WITH_BYTE_LEN,
		  fl, IBV_CREATE_CQ_ATTR_SINGLE_THREADED);
	try_cq_ex(a, "create_cq_ex ignore_overrun", 0, fl,
		  IBV_CREATE_CQ_ATTR_IGNORE_OVERRUN);
	try_cq_ex(a, "create_cq_ex unknown flag", 0, fl, 1 << 6);
	try_cq_ex(a, "create_cq_ex timestamp",
		  IBV_WC_EX_WITH_COMPLETION_TIMESTAMP, 0, 0);
	try_cq_ex(a, "create_cq_ex pd mask", 0, IBV_CQ_INIT_ATTR_MASK_PD, 0);
}

static struct ibv_qp *qp_ex(struct side *a, enum ibv_qp_type type,
			    uint32_t comp_mask, uint64_t ops,
			    uint32_t create_flags)
{
	struct ibv_qp_init_attr_ex attr = {
		.send_cq = a->rc.cq,
		.recv_cq = a->rc.cq,
		.cap = { .max_send_wr = 16,
			 .max_recv_wr = 16,
			 .max_send_sge = 2,
			 .max_recv_sge = 2,
			 .max_inline_data = 64 },
		.qp_type = type,
		.comp_mask = comp_mask,
		.pd = a->rc.pd,
		.send_ops_flags = ops,
		.create_flags = create_flags,
	};

	return ibv_create_qp_ex(a->rc.ctx, &attr);
}

static void try_qp_ex(struct side *a, const char *name, enum ibv_qp_type type,
		      uint32_t comp_mask, uint64_t ops, uint32_t create_flags)
{
	struct ibv_qp *qp = qp_ex(a, type, comp_mask, ops, create_flags);

	if (!qp) {
		say(name, "%s", ename(errno));
		return;
	}
	say(name, "ok type=%d qp_ex=%s state=%d", qp->qp_type,
	    ibv_qp_to_qp_ex(qp) ? "yes" : "no", qp->state);
	ibv_destroy_qp(qp);
}

static void qp_ex_no_pd(struct side *a, struct side *b)
{
	try_qp_ex(a, "create_qp_ex no attributes", IBV_QPT_RC, 0, 0, 0);
}

static void qp_xrc_send(struct side *a, struct side *b)
{
	struct ibv_qp_init_attr attr = {
		.send_cq = a->rc.cq,
		.recv_cq = a->rc.cq,
		.cap = { .max_send_wr = 4, .max_send_sge = 1 },
		.qp_type = IBV_QPT_XRC_SEND,
	};
	struct ibv_qp *qp = ibv_create_qp(a->rc.pd, &attr);

	say("create_qp xrc_send", "%s", pname(qp));
	if (qp)
		ibv_destroy_qp(qp);
}

static void test_qp_ex(struct side *a)
{
	const uint32_t pd = IBV_QP_INIT_ATTR_PD;
	const uint32_t ops = IBV_QP_INIT_ATTR_SEND_OPS_FLAGS;
	const uint32_t cf = IBV_QP_INIT_ATTR_CREATE_FLAGS;

	in_child("create_qp_ex no attributes", qp_ex_no_pd);
	try_qp_ex(a, "create_qp_ex pd", IBV_QPT_RC, pd, 0, 0);
	try_qp_ex(a, "create_qp_ex zero create_flags", IBV_QPT_RC, pd | cf, 0,
		  0);
	try_qp_ex(a, "create_qp_ex zero send_ops", IBV_QPT_RC, pd | ops, 0, 0);
	try_qp_ex(a, "create_qp_ex zero tso", IBV_QPT_RC,
		  pd | IBV_QP_INIT_ATTR_MAX_TSO_HEADER, 0, 0);
	try_qp_ex(a, "create_qp_ex create_flags", IBV_QPT_RC, pd | cf, 0,
		  IBV_QP_CREATE_BLOCK_SELF_MCAST_LB);
	try_qp_ex(a, "create_qp_ex rc all ops", IBV_QPT_RC, pd | ops,
		  IBV_QP_EX_WITH_RDMA_WRITE |
			  IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM |
			  IBV_QP_EX_WITH_SEND | IBV_QP_EX_WITH_SEND_WITH_IMM |
			  IBV_QP_EX_WITH_RDMA_READ |
			  IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP |
			  IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD |
			  IBV_QP_EX_WITH_LOCAL_INV | IBV_QP_EX_WITH_BIND_MW |
			  IBV_QP_EX_WITH_SEND_WITH_INV,
		  0);
	try_qp_ex(a, "create_qp_ex rc atomic_write", IBV_QPT_RC, pd | ops,
		  IBV_QP_EX_WITH_ATOMIC_WRITE, 0);
	try_qp_ex(a, "create_qp_ex rc tso", IBV_QPT_RC, pd | ops,
		  IBV_QP_EX_WITH_TSO, 0);
	try_qp_ex(a, "create_qp_ex uc write send", IBV_QPT_UC, pd | ops,
		  IBV_QP_EX_WITH_RDMA_WRITE | IBV_QP_EX_WITH_SEND, 0);
	try_qp_ex(a, "create_qp_ex uc read", IBV_QPT_UC, pd | ops,
		  IBV_QP_EX_WITH_RDMA_READ, 0);
	try_qp_ex(a, "create_qp_ex uc atomic_write", IBV_QPT_UC, pd | ops,
		  IBV_QP_EX_WITH_ATOMIC_WRITE, 0);
	try_qp_ex(a, "create_qp_ex ud send", IBV_QPT_UD, pd | ops,
		  IBV_QP_EX_WITH_SEND | IBV_QP_EX_WITH_SEND_WITH_IMM, 0);
	try_qp_ex(a, "create_qp_ex ud write", IBV_QPT_UD, pd | ops,
		  IBV_QP_EX_WITH_RDMA_WRITE, 0);
	in_child("create_qp xrc_send", qp_xrc_send);
}

/* A UD QP made by create_qp_ex, taken to RTS and queried. */
static struct ibv_qp *ud_qp_up(struct side *a)
{
	struct ibv_qp_attr attr = {
		.qp_state = IBV_QPS_INIT,
		.port_num = 1,
		.qkey = 0x11111111,
	};
	struct ibv_qp_init_attr init;
	struct ibv_qp *qp;
	int ret;

	qp = qp_ex(a, IBV_QPT_UD,
		   IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_SEND_OPS_FLAGS,
		   IBV_QP_EX_WITH_SEND, 0);
	say("ud create_qp_ex", "%s", pname(qp));
	if (!qp)
		return NULL;
	ret = ibv_modify_qp(qp, &attr,
			    IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
				    IBV_QP_QKEY);
	say("ud modify init", "%s", ename(ret));
	attr.qp_state = IBV_QPS_RTR;
	ret = ibv_modify_qp(qp, &attr, IBV_QP_STATE);
	say("ud modify rtr", "%s", ename(ret));
	attr.qp_state = IBV_QPS_RTS;
	attr.sq_psn = 0x123;
	ret = ibv_modify_qp(qp, &attr, IBV_QP_STATE | IBV_QP_SQ_PSN);
	say("ud modify rts", "%s", ename(ret));
	memset(&attr, 0, sizeof(attr));
	ret = ibv_query_qp(qp, &attr,
			   IBV_QP_STATE | IBV_QP_QKEY | IBV_QP_SQ_PSN, &init);
	say("ud query", "%s state=%d qkey=%#x sq_psn=%#x type=%d", ename(ret),
	    attr.qp_state, attr.qkey, attr.sq_psn, init.qp_type);
	return qp;
}

/* Sends on a UD QP in RTS: one it carries, one it has not. */
static void test_ud_post(struct side *a, struct side *b, struct ibv_qp *ud)
{
	struct ibv_ah_attr ah_attr = {
		.is_global = 1,
		.grh = { .dgid = b->rc.gid,
			 .sgid_index = a->rc.gid_index,
			 .hop_limit = 1 },
		.port_num = 1,
	};
	struct ibv_ah *ah = ibv_create_ah(a->rc.pd, &ah_attr);
	struct ibv_sge sge = { (uintptr_t)a->buf, 64, a->mr->lkey };
	struct ibv_send_wr wr = {
		.wr_id = 14,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = IBV_WR_SEND,
		.send_flags = IBV_SEND_SIGNALED,
		.wr.ud = { .ah = ah, .remote_qpn = 1, .remote_qkey = 1 },
	}, *bad = BAD_UNSET;
	int ret;

	say("create_ah", "%s", pname(ah));
	if (!ah)
		return;
	ret = ibv_post_send(ud, &wr, &bad);
	say("post_send ud send", "%s wc=%s", ename(ret),
	    ret ? "none" : wait_status(a->rc.cq, 2000, NULL));
	wr.opcode = IBV_WR_RDMA_WRITE;
	ret = ibv_post_send(ud, &wr, &bad);
	say("post_send ud rdma_write", "%s wc=%s", ename(ret),
	    ret ? "none" : wait_status(a->rc.cq, 2000, NULL));
	say("destroy_ah", "%s", ename(ibv_destroy_ah(ah)));
}

static void test_mcast(struct side *a, struct side *b)
{
	union ibv_gid mgid = { .raw = { 0xff, 0x12, 0x40, 0x1b, [15] = 1 } };
	union ibv_gid ucast = { .raw = { 0xfe, 0x80, [15] = 1 } };
	struct ibv_qp *ud = ud_qp_up(a);

	if (!ud)
		return;
	say("attach_mcast", "%s", ename(ibv_attach_mcast(ud, &mgid, 0)));
	say("attach_mcast again", "%s", ename(ibv_attach_mcast(ud, &mgid, 0)));
	say("detach_mcast", "%s", ename(ibv_detach_mcast(ud, &mgid, 0)));
	say("detach_mcast again", "%s", ename(ibv_detach_mcast(ud, &mgid, 0)));
	say("attach_mcast unicast gid", "%s",
	    ename(ibv_attach_mcast(ud, &ucast, 0)));
	say("attach_mcast rc qp", "%s",
	    ename(ibv_attach_mcast(a->rc.qp, &mgid, 0)));
	test_ud_post(a, b, ud);
	ibv_destroy_qp(ud);
}

static struct ibv_srq *srq_ex(struct side *a, uint32_t comp_mask,
			      enum ibv_srq_type type)
{
	struct ibv_srq_init_attr_ex attr = {
		.attr = { .max_wr = 16, .max_sge = 1 },
		.comp_mask = comp_mask,
		.srq_type = type,
		.pd = a->rc.pd,
		.cq = a->rc.cq,
	};

	return ibv_create_srq_ex(a->rc.ctx, &attr);
}

static void test_srq_ex(struct side *a)
{
	const uint32_t base = IBV_SRQ_INIT_ATTR_PD | IBV_SRQ_INIT_ATTR_TYPE;
	struct ibv_recv_wr wr = { .wr_id = 1 }, *bad = BAD_UNSET;
	struct ibv_srq_attr attr;
	struct ibv_srq *srq;
	int ret;

	srq = srq_ex(a, base, IBV_SRQT_BASIC);
	say("create_srq_ex basic", "%s", pname(srq));
	if (srq)
		ibv_destroy_srq(srq);
	srq = srq_ex(a, base | IBV_SRQ_INIT_ATTR_CQ, IBV_SRQT_BASIC);
	say("create_srq_ex basic with cq", "%s", pname(srq));
	if (srq) {
		ret = ibv_query_srq(srq, &attr);
		say("query_srq of srq_ex", "%s max_wr=%u max_sge=%u",
		    ename(ret), attr.max_wr, attr.max_sge);
		ret = ibv_post_srq_recv(srq, &wr, &bad);
		say("post_srq_recv on srq_ex", "%s bad_wr=%s", ename(ret),
		    bad_index(bad, (const void *[]){ &wr }, 1));
		attr.max_wr = 32;
		ret = ibv_modify_srq(srq, &attr, IBV_SRQ_MAX_WR);
		say("modify_srq of srq_ex", "%s", ename(ret));
		say("destroy_srq of srq_ex", "%s", ename(ibv_destroy_srq(srq)));
	}
	srq = srq_ex(a, base | IBV_SRQ_INIT_ATTR_CQ, IBV_SRQT_TM);
	say("create_srq_ex tm", "%s", pname(srq));
	if (srq)
		ibv_destroy_srq(srq);
}

/* Post @n legacy sends on @qp and say what came back. */
static void post(const char *name, struct ibv_qp *qp, struct ibv_send_wr *wr,
		 int n, struct ibv_cq *cq)
{
	const void *list[4];
	struct ibv_send_wr *bad = BAD_UNSET;
	int i, ret;

	for (i = 0; i < n; i++) {
		list[i] = &wr[i];
		wr[i].next = i + 1 < n ? &wr[i + 1] : NULL;
	}
	ret = ibv_post_send(qp, n ? wr : NULL, &bad);
	say(name, "%s bad_wr=%s", ename(ret), bad_index(bad, list, n));
	/* Whatever was posted completes, well or not; drain it. */
	while (cq && strcmp(wait_status(cq, 300, NULL), "none"))
		;
}

static void post_recv(const char *name, struct ibv_qp *qp,
		      struct ibv_recv_wr *wr, int n)
{
	struct ibv_recv_wr *bad = BAD_UNSET;
	const void *list[2] = { wr, wr + 1 };
	int ret;

	if (n > 1)
		wr[0].next = &wr[1];
	ret = ibv_post_recv(qp, n ? wr : NULL, &bad);
	say(name, "%s bad_wr=%s", ename(ret), bad_index(bad, list, n));
}

static void test_post(struct side *a, struct side *b)
{
	uint64_t raddr = (uintptr_t)b->buf;
	struct ibv_sge sge8 = { (uintptr_t)a->buf, 8, a->mr->lkey };
	struct ibv_sge sge4 = { (uintptr_t)a->buf, 4, a->mr->lkey };
	struct ibv_sge sge16 = { (uintptr_t)a->buf, 16, a->mr->lkey };
	struct ibv_sge sges[3] = { sge8, sge8, sge8 };
	struct ibv_sge big = { (uintptr_t)a->buf, 4096, a->mr->lkey };
	struct ibv_send_wr w[2];
	struct ibv_recv_wr r[2];
	struct ibv_qp_attr attr = { .qp_state = IBV_QPS_INIT, .port_num = 1 };
	struct ibv_qp *fresh;
	struct ibv_cq *cq = a->rc.cq;

#define WR(op, sg, nsg)                                         \
	((struct ibv_send_wr){ .wr_id = 7,                      \
			       .opcode = (op),                  \
			       .sg_list = (sg),                 \
			       .num_sge = (nsg),                \
			       .send_flags = IBV_SEND_SIGNALED, \
			       .wr.rdma = { raddr, b->mr->rkey } })
#define ATOMIC(op, sg, addr)                                    \
	((struct ibv_send_wr){ .wr_id = 8,                      \
			       .opcode = (op),                  \
			       .sg_list = (sg),                 \
			       .num_sge = 1,                    \
			       .send_flags = IBV_SEND_SIGNALED, \
			       .wr.atomic = { (addr), 1, 2, b->mr->rkey } })

	post("post_send empty list", a->rc.qp, w, 0, NULL);
	w[0] = WR(IBV_WR_RDMA_WRITE, &sge8, 1);
	w[1] = WR(99, &sge8, 1);
	post("post_send bad opcode second", a->rc.qp, w, 2, cq);
	w[0] = WR(IBV_WR_RDMA_WRITE, sges, 3);
	post("post_send too many sges", a->rc.qp, w, 1, cq);
	w[0] = WR(IBV_WR_RDMA_WRITE, &big, 1);
	w[0].send_flags |= IBV_SEND_INLINE;
	post("post_send inline too long", a->rc.qp, w, 1, cq);
	w[0] = ATOMIC(IBV_WR_ATOMIC_CMP_AND_SWP, &sge4, raddr);
	post("post_send atomic length 4", a->rc.qp, w, 1, cq);
	w[0] = ATOMIC(IBV_WR_ATOMIC_FETCH_AND_ADD, &sge16, raddr);
	post("post_send atomic length 16", a->rc.qp, w, 1, cq);
	w[0] = ATOMIC(IBV_WR_ATOMIC_FETCH_AND_ADD, &sge8, raddr + 4);
	post("post_send atomic unaligned", a->rc.qp, w, 1, cq);
	reconnect(a, b);
	w[0] = ATOMIC(IBV_WR_ATOMIC_FETCH_AND_ADD, &sge8, raddr + 8);
	post("post_send atomic good", a->rc.qp, w, 1, cq);
	w[0] = WR(IBV_WR_BIND_MW, &sge8, 1);
	post("post_send bind_mw with sge", a->rc.qp, w, 1, cq);
	w[0] = WR(IBV_WR_BIND_MW, NULL, 0);
	w[0].imm_data = htobe32(5);
	post("post_send bind_mw with imm", a->rc.qp, w, 1, cq);
	reconnect(a, b);

	fresh = rc_create_qp(a->rc.pd, cq);
	w[0] = WR(IBV_WR_RDMA_WRITE, &sge8, 1);
	post("post_send reset qp", fresh, w, 1, cq);
	r[0] = (struct ibv_recv_wr){ .wr_id = 1,
				     .sg_list = &sge8,
				     .num_sge = 1 };
	post_recv("post_recv reset qp", fresh, r, 1);
	ibv_modify_qp(fresh, &attr,
		      IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
			      IBV_QP_ACCESS_FLAGS);
	post("post_send init qp", fresh, w, 1, cq);
	post_recv("post_recv init qp", fresh, r, 1);
	post_recv("post_recv empty list", fresh, r, 0);
	r[0] = (struct ibv_recv_wr){ .wr_id = 1,
				     .sg_list = &sge8,
				     .num_sge = 1 };
	r[1] = (struct ibv_recv_wr){ .wr_id = 2,
				     .sg_list = sges,
				     .num_sge = 3 };
	post_recv("post_recv too many sges second", fresh, r, 2);
	ibv_destroy_qp(fresh);
}

/* The ibv_wr_* API on the RC QP of @a, made by create_qp_ex. */
static void test_atomic_write(struct side *a, struct side *b)
{
	struct ibv_qp_ex *qpx = ibv_qp_to_qp_ex(a->rc.qp);
	uint64_t value = 0x0123456789abcdefull, *dst = (uint64_t *)b->buf;
	struct ibv_wc wc = {};
	const char *st;
	int ret;

	if (!qpx) {
		say("wr_atomic_write", "no qp_ex");
		return;
	}
	*dst = 0;
	ibv_wr_start(qpx);
	qpx->wr_id = 9;
	qpx->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_atomic_write(qpx, b->mr->rkey, (uintptr_t)dst, &value);
	ret = ibv_wr_complete(qpx);
	st = wait_status(a->rc.cq, 2000, &wc);
	say("wr_atomic_write", "%s wc=%s opcode=%d landed=%d", ename(ret), st,
	    wc.opcode, *dst == value);

	ibv_wr_start(qpx);
	qpx->wr_id = 10;
	qpx->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_atomic_write(qpx, b->mr->rkey, (uintptr_t)dst + 4, &value);
	ret = ibv_wr_complete(qpx);
	say("wr_atomic_write unaligned", "%s wc=%s", ename(ret),
	    wait_status(a->rc.cq, 2000, NULL));
	reconnect(a, b);

	{
		struct ibv_sge sge = { (uintptr_t)&value, 8, 0 };
		struct ibv_mr *vmr = ibv_reg_mr(a->rc.pd, &value, 8, 0);
		struct ibv_send_wr w = {
			.wr_id = 11,
			.opcode = IBV_WR_ATOMIC_WRITE,
			.sg_list = &sge,
			.num_sge = 1,
			.send_flags = IBV_SEND_SIGNALED,
			.wr.rdma = { (uintptr_t)dst, b->mr->rkey },
		}, *bad = BAD_UNSET;

		sge.lkey = vmr ? vmr->lkey : 0;
		*dst = 0;
		ret = ibv_post_send(a->rc.qp, &w, &bad);
		st = ret ? "none" : wait_status(a->rc.cq, 2000, NULL);
		say("addition post_send atomic_write", "%s wc=%s landed=%d",
		    ename(ret), st, *dst == value);
		if (vmr)
			ibv_dereg_mr(vmr);
		reconnect(a, b);
	}
}

/* An unbind of a type 1 window: no MR, no range. */
static void bind_mw_unbind(struct side *a, struct side *b)
{
	struct ibv_mw_bind bind = { .wr_id = 13,
				    .send_flags = IBV_SEND_SIGNALED };
	struct ibv_mw *mw = ibv_alloc_mw(a->rc.pd, IBV_MW_TYPE_1);
	int ret;

	bind.bind_info = (struct ibv_mw_bind_info){
		.mr = a->mr,
		.addr = (uintptr_t)a->buf,
		.length = 4096,
		.mw_access_flags = IBV_ACCESS_REMOTE_WRITE,
	};
	ret = mw ? ibv_bind_mw(a->rc.qp, mw, &bind) : errno;
	if (!ret)
		wait_status(a->rc.cq, 2000, NULL);
	bind.bind_info = (struct ibv_mw_bind_info){};
	ret = ibv_bind_mw(a->rc.qp, mw, &bind);
	say("bind_mw unbind", "%s wc=%s", ename(ret),
	    ret ? "none" : wait_status(a->rc.cq, 2000, NULL));
}

static void test_bind_mw(struct side *a, struct side *b)
{
	struct ibv_mw *mw = ibv_alloc_mw(a->rc.pd, IBV_MW_TYPE_1);
	struct ibv_mw_bind bind = {
		.wr_id = 12,
		.send_flags = IBV_SEND_SIGNALED,
		.bind_info = { .mr = a->mr,
			       .addr = (uintptr_t)a->buf,
			       .length = 4096,
			       .mw_access_flags = IBV_ACCESS_REMOTE_WRITE },
	};
	uint32_t rkey;
	int ret;

	say("alloc_mw type 1", "%s", pname(mw));
	if (!mw)
		return;
	rkey = mw->rkey;
	ret = ibv_bind_mw(a->rc.qp, mw, &bind);
	say("bind_mw", "%s wc=%s rkey_changed=%d", ename(ret),
	    ret ? "none" : wait_status(a->rc.cq, 2000, NULL), mw->rkey != rkey);
	bind.bind_info.mw_access_flags |= IBV_ACCESS_ZERO_BASED;
	ret = ibv_bind_mw(a->rc.qp, mw, &bind);
	say("bind_mw zero based", "%s", ename(ret));
	bind.bind_info = (struct ibv_mw_bind_info){ .addr = 4096 };
	ret = ibv_bind_mw(a->rc.qp, mw, &bind);
	say("bind_mw no mr with addr", "%s", ename(ret));
	bind.bind_info = (struct ibv_mw_bind_info){ .length = 4096 };
	ret = ibv_bind_mw(a->rc.qp, mw, &bind);
	say("bind_mw no mr with length", "%s", ename(ret));
	in_child("bind_mw unbind", bind_mw_unbind);
	say("dealloc_mw", "%s", ename(ibv_dealloc_mw(mw)));
	reconnect(a, b);
}

/* dbrxe's addition: a dma-buf MR, here of an NVMe doorbell page. */
static void test_dmabuf(struct side *a, const char *bdf)
{
	struct dbvfio_range r = { 0x1000, 4096 };
	const int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE;
	struct dbvfio_dev *dev;
	struct dbvfio_pci_addr addr;
	struct ibv_mr *mr;
	int fd;

	if (dbvfio_pci_addr_parse(bdf, &addr) || dbvfio_open(&addr, &dev)) {
		say("addition reg_dmabuf_mr", "no vfio device %s", bdf);
		return;
	}
	fd = dbvfio_export(dev, 0, &r, 1, O_CLOEXEC | O_RDWR);
	mr = ibv_reg_dmabuf_mr(a->rc.pd, 0, 4096, 0x1000, fd, access);
	say("addition reg_dmabuf_mr", "%s", pname(mr));
	if (mr)
		ibv_dereg_mr(mr);
	mr = ibv_reg_dmabuf_mr(a->rc.pd, 0, 4096, 0x1000, fd,
			       access | (IBV_ACCESS_OPTIONAL_FIRST << 5));
	say("addition reg_dmabuf_mr optional access", "%s", pname(mr));
	if (mr)
		ibv_dereg_mr(mr);
	close(fd);
	dbvfio_close(dev);
}

static void setup(struct side *s, const char *dev, int gid_index, bool ex)
{
	if (rc_side_open(&s->rc, dev, gid_index))
		exit(2);
	if (ex) {
		/* The RC QP of this side gets the ibv_wr_* API. */
		ibv_destroy_qp(s->rc.qp);
		s->rc.qp = qp_ex(
			s, IBV_QPT_RC,
			IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_SEND_OPS_FLAGS,
			IBV_QP_EX_WITH_ATOMIC_WRITE | IBV_QP_EX_WITH_RDMA_WRITE,
			0);
		if (!s->rc.qp) {
			fprintf(stderr, "create_qp_ex on %s: %s\n", dev,
				ename(errno));
			exit(2);
		}
	}
	s->buf = aligned_alloc(4096, BUF_SIZE);
	memset(s->buf, 0, BUF_SIZE);
	s->mr = ibv_reg_mr(s->rc.pd, s->buf, BUF_SIZE,
			   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_REMOTE_ATOMIC |
				   IBV_ACCESS_MW_BIND);
	if (!s->mr) {
		fprintf(stderr, "ibv_reg_mr on %s failed\n", dev);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct side a, b;

	if (argc < 5) {
		fprintf(stderr,
			"usage: %s DEV_A GID_A DEV_B GID_B [NVME_BDF]\n",
			argv[0]);
		return 2;
	}
	dev_a = argv[1];
	gid_a = atoi(argv[2]);
	dev_b = argv[3];
	gid_b = atoi(argv[4]);
	setup(&a, dev_a, gid_a, true);
	setup(&b, dev_b, gid_b, false);
	if (rc_connect(&a.rc, &b.rc)) {
		fprintf(stderr, "connecting %s and %s failed\n", argv[1],
			argv[3]);
		return 2;
	}
	test_device(&a);
	test_rereg(&a);
	test_cq_ex(&a);
	test_qp_ex(&a);
	test_mcast(&a, &b);
	test_srq_ex(&a);
	test_post(&a, &b);
	test_atomic_write(&a, &b);
	test_bind_mw(&a, &b);
	if (argc > 5)
		test_dmabuf(&a, argv[5]);
	ibv_dereg_mr(a.mr);
	ibv_dereg_mr(b.mr);
	rc_side_close(&a.rc);
	rc_side_close(&b.rc);
	free(a.buf);
	free(b.buf);
	return 0;
}
