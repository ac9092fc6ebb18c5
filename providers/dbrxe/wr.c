// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The ibv_wr_* work request API (ibv_qp_ex).  wr_start takes the send
 * lock; each request is built in place in the next free slot of the send
 * ring; wr_complete publishes them all with one release store and rings
 * the doorbell once, wr_abort forgets them.  The first error is kept and
 * returned by wr_complete, which then publishes nothing.
 */
#include <errno.h>
#include <string.h>

#include "dbrxe.h"

static void dbrxe_wr_start(struct ibv_qp_ex *ibqp)
{
	struct dbrxe_qp *qp = to_dbrxe_qp_ex(ibqp);

	pthread_spin_lock(&qp->sq_lock);
	qp->wr_prod = qp->sq.buf->producer_index;
	qp->wr_cur = NULL;
	qp->wr_err = 0;
}

/* A new request of @opcode in the next slot, or NULL once one failed. */
static struct rxe_send_wqe *dbrxe_wr_new(struct dbrxe_qp *qp, uint32_t opcode)
{
	struct ibv_qp_ex *ex = &qp->vqp.qp_ex;
	struct rxe_queue_buf *buf = qp->sq.buf;
	uint32_t cons = __atomic_load_n(&buf->consumer_index, __ATOMIC_ACQUIRE);
	struct rxe_send_wqe *wqe;

	qp->wr_cur = NULL;
	if (qp->wr_err)
		return NULL;
	if (((qp->wr_prod + 1 - cons) & buf->index_mask) == 0) {
		qp->wr_err = ENOMEM;
		return NULL;
	}
	wqe = dbrxe_queue_elem(&qp->sq, qp->wr_prod);
	memset(wqe, 0, sizeof(*wqe));
	wqe->wr.wr_id = ex->wr_id;
	wqe->wr.opcode = opcode;
	wqe->wr.send_flags = ex->wr_flags;
	qp->wr_prod = (qp->wr_prod + 1) & buf->index_mask;
	qp->wr_cur = wqe;
	return wqe;
}

/* Requests that move data get a sequence number, local ones do not. */
static struct rxe_send_wqe *dbrxe_wr_new_data(struct dbrxe_qp *qp,
					      uint32_t opcode)
{
	struct rxe_send_wqe *wqe = dbrxe_wr_new(qp, opcode);

	if (wqe)
		wqe->ssn = ++qp->ssn;
	return wqe;
}

static void dbrxe_wr_rdma(struct ibv_qp_ex *ibqp, uint32_t opcode,
			  uint32_t rkey, uint64_t remote_addr, __be32 imm)
{
	struct rxe_send_wqe *wqe =
		dbrxe_wr_new_data(to_dbrxe_qp_ex(ibqp), opcode);

	if (!wqe)
		return;
	dbrxe_wqe_set_rdma(wqe, rkey, remote_addr);
	wqe->wr.ex.imm_data = imm;
}

static void dbrxe_wr_rdma_write(struct ibv_qp_ex *qp, uint32_t rkey,
				uint64_t remote_addr)
{
	dbrxe_wr_rdma(qp, IBV_WR_RDMA_WRITE, rkey, remote_addr, 0);
}

static void dbrxe_wr_rdma_write_imm(struct ibv_qp_ex *qp, uint32_t rkey,
				    uint64_t remote_addr, __be32 imm)
{
	dbrxe_wr_rdma(qp, IBV_WR_RDMA_WRITE_WITH_IMM, rkey, remote_addr, imm);
}

static void dbrxe_wr_rdma_read(struct ibv_qp_ex *qp, uint32_t rkey,
			       uint64_t remote_addr)
{
	dbrxe_wr_rdma(qp, IBV_WR_RDMA_READ, rkey, remote_addr, 0);
}

static void dbrxe_wr_atomic(struct ibv_qp_ex *ibqp, uint32_t opcode,
			    uint32_t rkey, uint64_t remote_addr,
			    uint64_t compare_add, uint64_t swap)
{
	struct rxe_send_wqe *wqe =
		dbrxe_wr_new_data(to_dbrxe_qp_ex(ibqp), opcode);

	if (wqe)
		dbrxe_wqe_set_atomic(wqe, rkey, remote_addr, compare_add, swap);
}

static void dbrxe_wr_atomic_cmp_swp(struct ibv_qp_ex *qp, uint32_t rkey,
				    uint64_t remote_addr, uint64_t compare,
				    uint64_t swap)
{
	dbrxe_wr_atomic(qp, IBV_WR_ATOMIC_CMP_AND_SWP, rkey, remote_addr,
			compare, swap);
}

static void dbrxe_wr_atomic_fetch_add(struct ibv_qp_ex *qp, uint32_t rkey,
				      uint64_t remote_addr, uint64_t add)
{
	dbrxe_wr_atomic(qp, IBV_WR_ATOMIC_FETCH_AND_ADD, rkey, remote_addr, add,
			0);
}

static void dbrxe_wr_atomic_write(struct ibv_qp_ex *ibqp, uint32_t rkey,
				  uint64_t remote_addr, const void *value)
{
	struct rxe_send_wqe *wqe =
		dbrxe_wr_new_data(to_dbrxe_qp_ex(ibqp), IBV_WR_ATOMIC_WRITE);

	if (!wqe)
		return;
	dbrxe_wqe_set_atomic_write(wqe, rkey, remote_addr, value);
}

static void dbrxe_wr_send(struct ibv_qp_ex *qp)
{
	dbrxe_wr_new_data(to_dbrxe_qp_ex(qp), IBV_WR_SEND);
}

static void dbrxe_wr_send_imm(struct ibv_qp_ex *qp, __be32 imm)
{
	struct rxe_send_wqe *wqe =
		dbrxe_wr_new_data(to_dbrxe_qp_ex(qp), IBV_WR_SEND_WITH_IMM);

	if (wqe)
		wqe->wr.ex.imm_data = imm;
}

static void dbrxe_wr_send_inv(struct ibv_qp_ex *qp, uint32_t rkey)
{
	struct rxe_send_wqe *wqe =
		dbrxe_wr_new_data(to_dbrxe_qp_ex(qp), IBV_WR_SEND_WITH_INV);

	if (wqe)
		wqe->wr.ex.invalidate_rkey = rkey;
}

static void dbrxe_wr_local_inv(struct ibv_qp_ex *qp, uint32_t rkey)
{
	struct rxe_send_wqe *wqe =
		dbrxe_wr_new(to_dbrxe_qp_ex(qp), IBV_WR_LOCAL_INV);

	if (wqe)
		wqe->wr.ex.invalidate_rkey = rkey;
}

static void dbrxe_wr_bind_mw(struct ibv_qp_ex *qp, struct ibv_mw *mw,
			     uint32_t rkey, const struct ibv_mw_bind_info *info)
{
	struct rxe_send_wqe *wqe =
		dbrxe_wr_new(to_dbrxe_qp_ex(qp), IBV_WR_BIND_MW);

	if (wqe)
		dbrxe_wqe_set_bind_mw(wqe, mw, rkey, info);
}

static void dbrxe_wr_set_ud_addr(struct ibv_qp_ex *ibqp, struct ibv_ah *ah,
				 uint32_t remote_qpn, uint32_t remote_qkey)
{
	struct dbrxe_qp *qp = to_dbrxe_qp_ex(ibqp);

	if (qp->wr_cur)
		dbrxe_wqe_set_ud(qp->wr_cur, to_dbrxe_ah(ah), remote_qpn,
				 remote_qkey);
}

static void dbrxe_wr_set_sge_list(struct ibv_qp_ex *ibqp, size_t num,
				  const struct ibv_sge *sg)
{
	struct dbrxe_qp *qp = to_dbrxe_qp_ex(ibqp);

	if (!qp->wr_cur)
		return;
	if (num > qp->max_send_sge) {
		qp->wr_err = EINVAL;
		return;
	}
	dbrxe_dma_set_sges(&qp->wr_cur->dma, sg, num);
}

static void dbrxe_wr_set_sge(struct ibv_qp_ex *qp, uint32_t lkey, uint64_t addr,
			     uint32_t length)
{
	struct ibv_sge sge = { .addr = addr, .length = length, .lkey = lkey };

	dbrxe_wr_set_sge_list(qp, 1, &sge);
}

static void dbrxe_wr_set_inline_data_list(struct ibv_qp_ex *ibqp, size_t num,
					  const struct ibv_data_buf *bufs)
{
	struct dbrxe_qp *qp = to_dbrxe_qp_ex(ibqp);
	struct rxe_send_wqe *wqe = qp->wr_cur;
	uint64_t length = 0;
	size_t i;

	if (!wqe)
		return;
	for (i = 0; i < num; i++)
		length += bufs[i].length;
	if (length > qp->max_inline) {
		qp->wr_err = EINVAL;
		return;
	}
	length = 0;
	for (i = 0; i < num; i++) {
		memcpy(wqe->dma.inline_data + length, bufs[i].addr,
		       bufs[i].length);
		length += bufs[i].length;
	}
	wqe->wr.send_flags |= IBV_SEND_INLINE;
	wqe->dma.length = length;
	wqe->dma.resid = length;
}

static void dbrxe_wr_set_inline_data(struct ibv_qp_ex *qp, void *addr,
				     size_t length)
{
	struct ibv_data_buf buf = { .addr = addr, .length = length };

	dbrxe_wr_set_inline_data_list(qp, 1, &buf);
}

static int dbrxe_wr_complete(struct ibv_qp_ex *ibqp)
{
	struct dbrxe_qp *qp = to_dbrxe_qp_ex(ibqp);
	bool posted = qp->wr_prod != qp->sq.buf->producer_index;
	int err = qp->wr_err;

	if (!err)
		__atomic_store_n(&qp->sq.buf->producer_index, qp->wr_prod,
				 __ATOMIC_RELEASE);
	pthread_spin_unlock(&qp->sq_lock);
	if (err || !posted)
		return err;
	return dbrxe_ring_send_doorbell(qp);
}

static void dbrxe_wr_abort(struct ibv_qp_ex *ibqp)
{
	struct dbrxe_qp *qp = to_dbrxe_qp_ex(ibqp);

	pthread_spin_unlock(&qp->sq_lock);
}

/* The send ops rxe carries out, by transport (the kernel's opcode table). */
#define DBRXE_UD_OPS (IBV_QP_EX_WITH_SEND | IBV_QP_EX_WITH_SEND_WITH_IMM)
#define DBRXE_UC_OPS                                                   \
	(DBRXE_UD_OPS | IBV_QP_EX_WITH_RDMA_WRITE |                    \
	 IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM | IBV_QP_EX_WITH_BIND_MW | \
	 IBV_QP_EX_WITH_SEND_WITH_INV)
#define DBRXE_RC_OPS                                                      \
	(DBRXE_UC_OPS | IBV_QP_EX_WITH_RDMA_READ |                        \
	 IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP |                              \
	 IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD | IBV_QP_EX_WITH_LOCAL_INV | \
	 IBV_QP_EX_WITH_ATOMIC_WRITE)

uint64_t dbrxe_qp_ex_ops(enum ibv_qp_type type)
{
	switch (type) {
	case IBV_QPT_RC:
		return DBRXE_RC_OPS;
	case IBV_QPT_UC:
		return DBRXE_UC_OPS;
	case IBV_QPT_UD:
		return DBRXE_UD_OPS;
	default:
		return 0;
	}
}

/*
 * Every op is set whatever was asked for: an op the QP's transport does
 * not carry was refused at creation, and the kernel completes one used
 * anyway with an error.
 */
void dbrxe_qp_ex_init(struct dbrxe_qp *qp)
{
	struct ibv_qp_ex *ex = &qp->vqp.qp_ex;

	qp->vqp.comp_mask |= VERBS_QP_EX;
	ex->wr_start = dbrxe_wr_start;
	ex->wr_complete = dbrxe_wr_complete;
	ex->wr_abort = dbrxe_wr_abort;
	ex->wr_rdma_write = dbrxe_wr_rdma_write;
	ex->wr_rdma_write_imm = dbrxe_wr_rdma_write_imm;
	ex->wr_rdma_read = dbrxe_wr_rdma_read;
	ex->wr_atomic_cmp_swp = dbrxe_wr_atomic_cmp_swp;
	ex->wr_atomic_fetch_add = dbrxe_wr_atomic_fetch_add;
	ex->wr_atomic_write = dbrxe_wr_atomic_write;
	ex->wr_send = dbrxe_wr_send;
	ex->wr_send_imm = dbrxe_wr_send_imm;
	ex->wr_send_inv = dbrxe_wr_send_inv;
	ex->wr_local_inv = dbrxe_wr_local_inv;
	ex->wr_bind_mw = dbrxe_wr_bind_mw;
	ex->wr_set_ud_addr = dbrxe_wr_set_ud_addr;
	ex->wr_set_sge = dbrxe_wr_set_sge;
	ex->wr_set_sge_list = dbrxe_wr_set_sge_list;
	ex->wr_set_inline_data = dbrxe_wr_set_inline_data;
	ex->wr_set_inline_data_list = dbrxe_wr_set_inline_data_list;
}
