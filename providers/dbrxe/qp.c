// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Queue pairs: work requests are written straight into the rings the
 * kernel shares with us.  A receive needs nothing more; a send is then
 * rung by a POST_SEND command carrying no work request, which makes rxe
 * schedule the QP's requester.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbrxe.h"

struct dbrxe_create_qp_resp {
	struct ib_uverbs_create_qp_resp ibv_resp;
	struct rxe_create_qp_resp drv;
};

struct ibv_qp *dbrxe_create_qp(struct ibv_pd *pd,
			       struct ibv_qp_init_attr *attr)
{
	struct dbrxe_create_qp_resp resp = {};
	struct ibv_create_qp cmd;
	int fd = pd->context->cmd_fd;
	struct dbrxe_qp *qp;
	int ret;

	if (attr->qp_type != IBV_QPT_RC && attr->qp_type != IBV_QPT_UC &&
	    attr->qp_type != IBV_QPT_UD) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return NULL;
	ret = ibv_cmd_create_qp(pd, &qp->vqp.qp, attr, &cmd, sizeof(cmd),
				&resp.ibv_resp, sizeof(resp));
	if (ret)
		goto err_free;

	if (!attr->srq) {
		ret = dbrxe_queue_map(&qp->rq, fd, &resp.drv.rq_mi);
		if (ret)
			goto err_destroy;
	}
	ret = dbrxe_queue_map(&qp->sq, fd, &resp.drv.sq_mi);
	if (ret)
		goto err_unmap;

	/* ibv_cmd_create_qp() updated the caps to what the kernel gave. */
	qp->max_send_sge = attr->cap.max_send_sge;
	qp->max_recv_sge = attr->cap.max_recv_sge;
	qp->max_inline = attr->cap.max_inline_data;
	pthread_spin_init(&qp->sq_lock, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_init(&qp->rq_lock, PTHREAD_PROCESS_PRIVATE);
	return &qp->vqp.qp;

err_unmap:
	dbrxe_queue_unmap(&qp->rq);
err_destroy:
	ibv_cmd_destroy_qp(&qp->vqp.qp);
err_free:
	free(qp);
	errno = ret;
	return NULL;
}

/*
 * The extended creation: the same kernel QP, plus the ibv_wr_* API when
 * send ops are asked for.  XRC, RSS and creation flags are not served.
 */
struct ibv_qp *dbrxe_create_qp_ex(struct ibv_context *context,
				  struct ibv_qp_init_attr_ex *attr)
{
	const uint32_t served = IBV_QP_INIT_ATTR_PD |
				IBV_QP_INIT_ATTR_SEND_OPS_FLAGS;
	struct ibv_qp_init_attr base;
	struct ibv_qp *ibqp;
	int ret;

	if ((attr->comp_mask & ~served) || !(attr->comp_mask &
					     IBV_QP_INIT_ATTR_PD)) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	memset(&base, 0, sizeof(base));
	base.qp_context = attr->qp_context;
	base.send_cq = attr->send_cq;
	base.recv_cq = attr->recv_cq;
	base.srq = attr->srq;
	base.cap = attr->cap;
	base.qp_type = attr->qp_type;
	base.sq_sig_all = attr->sq_sig_all;
	ibqp = dbrxe_create_qp(attr->pd, &base);
	if (!ibqp)
		return NULL;
	attr->cap = base.cap;
	if (attr->comp_mask & IBV_QP_INIT_ATTR_SEND_OPS_FLAGS) {
		ret = dbrxe_qp_ex_init(to_dbrxe_qp(ibqp), attr->send_ops_flags);
		if (ret) {
			dbrxe_destroy_qp(ibqp);
			errno = ret;
			return NULL;
		}
	}
	return ibqp;
}

int dbrxe_modify_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr,
		    int attr_mask)
{
	struct ibv_modify_qp cmd;

	return ibv_cmd_modify_qp(qp, attr, attr_mask, &cmd, sizeof(cmd));
}

int dbrxe_query_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr,
		   int attr_mask, struct ibv_qp_init_attr *init_attr)
{
	struct ibv_query_qp cmd;

	return ibv_cmd_query_qp(qp, attr, attr_mask, init_attr, &cmd,
				sizeof(cmd));
}

int dbrxe_destroy_qp(struct ibv_qp *ibqp)
{
	struct dbrxe_qp *qp = to_dbrxe_qp(ibqp);
	int ret = ibv_cmd_destroy_qp(ibqp);

	if (ret)
		return ret;
	dbrxe_queue_unmap(&qp->sq);
	dbrxe_queue_unmap(&qp->rq);
	pthread_spin_destroy(&qp->sq_lock);
	pthread_spin_destroy(&qp->rq_lock);
	free(qp);
	return 0;
}

/* Sum of the SGE lengths, or -1 if there are more than @max. */
static int64_t dbrxe_sge_length(const struct ibv_sge *sg, int num,
				uint32_t max)
{
	int64_t len = 0;
	int i;

	if (num < 0 || (uint32_t)num > max)
		return -1;
	for (i = 0; i < num; i++)
		len += sg[i].length;
	return len;
}

static int dbrxe_fill_send_wqe(struct dbrxe_qp *qp, struct rxe_send_wqe *wqe,
			       const struct ibv_send_wr *wr)
{
	bool ud = qp->vqp.qp.qp_type == IBV_QPT_UD;
	int64_t length;
	int i;

	switch (wr->opcode) {
	case IBV_WR_SEND:
	case IBV_WR_SEND_WITH_IMM:
		break;
	case IBV_WR_RDMA_WRITE:
	case IBV_WR_RDMA_WRITE_WITH_IMM:
	case IBV_WR_RDMA_READ:
	case IBV_WR_ATOMIC_CMP_AND_SWP:
	case IBV_WR_ATOMIC_FETCH_AND_ADD:
	case IBV_WR_LOCAL_INV:
	case IBV_WR_BIND_MW:
	case IBV_WR_SEND_WITH_INV:
		if (ud)
			return EINVAL;
		break;
	default:
		return EINVAL;
	}
	length = dbrxe_sge_length(wr->sg_list, wr->num_sge, qp->max_send_sge);
	if (length < 0)
		return EINVAL;

	memset(wqe, 0, sizeof(*wqe));
	wqe->wr.wr_id = wr->wr_id;
	wqe->wr.opcode = wr->opcode;
	wqe->wr.send_flags = wr->send_flags;
	if (wr->opcode == IBV_WR_LOCAL_INV || wr->opcode == IBV_WR_SEND_WITH_INV)
		wqe->wr.ex.invalidate_rkey = wr->invalidate_rkey;
	else
		wqe->wr.ex.imm_data = wr->imm_data;

	if (ud)
		dbrxe_wqe_set_ud(wqe, to_dbrxe_ah(wr->wr.ud.ah),
				 wr->wr.ud.remote_qpn, wr->wr.ud.remote_qkey);

	switch (wr->opcode) {
	case IBV_WR_BIND_MW:
		dbrxe_wqe_set_bind_mw(wqe, wr->bind_mw.mw, wr->bind_mw.rkey,
				      &wr->bind_mw.bind_info);
		return 0;
	case IBV_WR_LOCAL_INV:
		return 0;
	case IBV_WR_RDMA_WRITE:
	case IBV_WR_RDMA_WRITE_WITH_IMM:
	case IBV_WR_RDMA_READ:
		dbrxe_wqe_set_rdma(wqe, wr->wr.rdma.rkey, wr->wr.rdma.remote_addr);
		break;
	case IBV_WR_ATOMIC_CMP_AND_SWP:
	case IBV_WR_ATOMIC_FETCH_AND_ADD:
		dbrxe_wqe_set_atomic(wqe, wr->wr.atomic.rkey,
				     wr->wr.atomic.remote_addr,
				     wr->wr.atomic.compare_add,
				     wr->wr.atomic.swap);
		break;
	default:
		break;
	}

	if (wr->send_flags & IBV_SEND_INLINE) {
		uint8_t *p = wqe->dma.inline_data;

		if (length > qp->max_inline)
			return EINVAL;
		for (i = 0; i < wr->num_sge; i++) {
			memcpy(p, (void *)(uintptr_t)wr->sg_list[i].addr,
			       wr->sg_list[i].length);
			p += wr->sg_list[i].length;
		}
		wqe->dma.length = length;
		wqe->dma.resid = length;
		wqe->dma.num_sge = wr->num_sge;
	} else {
		dbrxe_dma_set_sges(&wqe->dma, wr->sg_list, wr->num_sge);
	}
	wqe->ssn = ++qp->ssn;
	return 0;
}

/* Tell the kernel that the send ring has new work: POST_SEND, no WRs. */
int dbrxe_ring_send_doorbell(struct dbrxe_qp *qp)
{
	struct ib_uverbs_post_send_resp resp;
	struct {
		struct ib_uverbs_cmd_hdr hdr;
		struct ib_uverbs_post_send cmd;
	} req = {
		.hdr = {
			.command = IB_USER_VERBS_CMD_POST_SEND,
			.in_words = sizeof(req) / 4,
			.out_words = sizeof(resp) / 4,
		},
		.cmd = {
			.response = (uintptr_t)&resp,
			.qp_handle = qp->vqp.qp.handle,
			.wqe_size = sizeof(struct ib_uverbs_send_wr),
		},
	};

	if (write(qp->vqp.qp.context->cmd_fd, &req, sizeof(req)) !=
	    sizeof(req))
		return errno;
	return 0;
}

int dbrxe_post_send(struct ibv_qp *ibqp, struct ibv_send_wr *wr,
		    struct ibv_send_wr **bad_wr)
{
	struct dbrxe_qp *qp = to_dbrxe_qp(ibqp);
	int ret = 0, posted = 0;

	pthread_spin_lock(&qp->sq_lock);
	for (; wr; wr = wr->next) {
		if (dbrxe_queue_full(&qp->sq)) {
			ret = ENOMEM;
			break;
		}
		ret = dbrxe_fill_send_wqe(qp, dbrxe_queue_producer_elem(&qp->sq),
					  wr);
		if (ret)
			break;
		dbrxe_queue_produce(&qp->sq);
		posted++;
	}
	pthread_spin_unlock(&qp->sq_lock);
	if (ret)
		*bad_wr = wr;
	if (posted) {
		int db = dbrxe_ring_send_doorbell(qp);

		if (!ret)
			ret = db;
	}
	return ret;
}

int dbrxe_post_recv(struct ibv_qp *ibqp, struct ibv_recv_wr *wr,
		    struct ibv_recv_wr **bad_wr)
{
	struct dbrxe_qp *qp = to_dbrxe_qp(ibqp);

	if (!qp->rq.buf) {
		*bad_wr = wr;
		return EINVAL;	/* receives go to the SRQ */
	}
	return dbrxe_post_recv_ring(&qp->rq, &qp->rq_lock, qp->max_recv_sge,
				    wr, bad_wr);
}
