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

struct dbrxe_create_qp_ex_resp {
	struct ib_uverbs_ex_create_qp_resp ibv_resp;
	struct rxe_create_qp_resp drv;
};

/*
 * Map the rings the kernel made for a new QP and take the caps it gave
 * (the create command wrote them back into @cap); destroys the QP on
 * failure, with errno set.
 */
static struct ibv_qp *dbrxe_qp_finish(struct dbrxe_qp *qp, int cmd_fd,
				      const struct rxe_create_qp_resp *drv,
				      const struct ibv_qp_cap *cap, bool srq)
{
	int ret = 0;

	if (!srq)
		ret = dbrxe_queue_map(&qp->rq, cmd_fd, &drv->rq_mi);
	if (!ret)
		ret = dbrxe_queue_map(&qp->sq, cmd_fd, &drv->sq_mi);
	if (ret) {
		dbrxe_queue_unmap(&qp->rq);
		ibv_cmd_destroy_qp(&qp->vqp.qp);
		free(qp);
		errno = ret;
		return NULL;
	}
	qp->max_send_sge = cap->max_send_sge;
	qp->max_recv_sge = cap->max_recv_sge;
	qp->max_inline = cap->max_inline_data;
	pthread_spin_init(&qp->sq_lock, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_init(&qp->rq_lock, PTHREAD_PROCESS_PRIVATE);
	return &qp->vqp.qp;
}

/* The QP types and their checks are the kernel's. */
struct ibv_qp *dbrxe_create_qp(struct ibv_pd *pd, struct ibv_qp_init_attr *attr)
{
	struct dbrxe_create_qp_resp resp = {};
	struct ibv_create_qp cmd;
	struct dbrxe_qp *qp;
	int ret;

	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return NULL;
	ret = ibv_cmd_create_qp(pd, &qp->vqp.qp, attr, &cmd, sizeof(cmd),
				&resp.ibv_resp, sizeof(resp));
	if (ret) {
		free(qp);
		errno = ret;
		return NULL;
	}
	return dbrxe_qp_finish(qp, pd->context->cmd_fd, &resp.drv, &attr->cap,
			       attr->srq);
}

/*
 * What the extended creation serves: a PD, no creation flags, and the
 * ibv_wr_* send ops that the QP's transport carries.  A bit of comp_mask
 * outside these (XRC, RSS, TSO, ...) is refused even when its field is
 * zero, as rxe has none of them.
 */
#define DBRXE_QP_INIT_ATTR_MASK                                \
	(IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_CREATE_FLAGS | \
	 IBV_QP_INIT_ATTR_SEND_OPS_FLAGS)

static int dbrxe_check_qp_init_attr(const struct ibv_qp_init_attr_ex *attr)
{
	if (attr->comp_mask & ~DBRXE_QP_INIT_ATTR_MASK)
		return EOPNOTSUPP;
	if ((attr->comp_mask & IBV_QP_INIT_ATTR_CREATE_FLAGS) &&
	    attr->create_flags)
		return EOPNOTSUPP;
	if ((attr->comp_mask & IBV_QP_INIT_ATTR_SEND_OPS_FLAGS) &&
	    (attr->send_ops_flags & ~dbrxe_qp_ex_ops(attr->qp_type)))
		return EOPNOTSUPP;
	return 0;
}

/*
 * The extended creation: the kernel's extended command, and the ibv_wr_*
 * API on every QP made here (ibv_qp_to_qp_ex() finds it), with the send
 * ops asked for.
 */
struct ibv_qp *dbrxe_create_qp_ex(struct ibv_context *context,
				  struct ibv_qp_init_attr_ex *attr)
{
	struct dbrxe_create_qp_ex_resp resp = {};
	struct ibv_create_qp_ex cmd = {};
	struct dbrxe_qp *qp;
	int ret;

	ret = dbrxe_check_qp_init_attr(attr);
	if (ret) {
		errno = ret;
		return NULL;
	}
	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return NULL;
	ret = ibv_cmd_create_qp_ex2(context, &qp->vqp, attr, &cmd, sizeof(cmd),
				    &resp.ibv_resp, sizeof(resp));
	if (ret) {
		free(qp);
		errno = ret;
		return NULL;
	}
	dbrxe_qp_ex_init(qp);
	return dbrxe_qp_finish(qp, context->cmd_fd, &resp.drv, &attr->cap,
			       attr->srq);
}

int dbrxe_modify_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int attr_mask)
{
	struct ibv_modify_qp cmd;

	return ibv_cmd_modify_qp(qp, attr, attr_mask, &cmd, sizeof(cmd));
}

int dbrxe_query_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int attr_mask,
		   struct ibv_qp_init_attr *init_attr)
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
static int64_t dbrxe_sge_length(const struct ibv_sge *sg, int num, uint32_t max)
{
	int64_t len = 0;
	int i;

	if (num < 0 || (uint32_t)num > max)
		return -1;
	for (i = 0; i < num; i++)
		len += sg[i].length;
	return len;
}

/*
 * The checks made at post time, librxe's; the kernel checks the rest
 * when it carries the request out, and answers with an error completion
 * (an opcode the QP's transport lacks, say).  An atomic reads and writes
 * 8 bytes at an 8-byte aligned address; a bind carries no data and exists
 * only on connected QPs.  An atomic write through ibv_post_send() has no
 * field for its 8 bytes: they are read from its one SGE, as inline data
 * would be.
 */
static int dbrxe_check_send_wr(const struct dbrxe_qp *qp,
			       const struct ibv_send_wr *wr, int64_t length)
{
	enum ibv_qp_type type = qp->vqp.qp.qp_type;

	if (length < 0)
		return EINVAL;
	switch (wr->opcode) {
	case IBV_WR_ATOMIC_CMP_AND_SWP:
	case IBV_WR_ATOMIC_FETCH_AND_ADD:
		if (length < 8 || (wr->wr.atomic.remote_addr & 7))
			return EINVAL;
		break;
	case IBV_WR_ATOMIC_WRITE:
		if (length != 8 || wr->num_sge != 1)
			return EINVAL;
		break;
	case IBV_WR_BIND_MW:
		if (length || wr->num_sge || wr->imm_data ||
		    (type != IBV_QPT_RC && type != IBV_QPT_UC))
			return EINVAL;
		break;
	default:
		break;
	}
	if ((wr->send_flags & IBV_SEND_INLINE) && length > qp->max_inline)
		return EINVAL;
	/* A UD send names its destination by an address handle. */
	if (type == IBV_QPT_UD && !wr->wr.ud.ah)
		return EINVAL;
	return 0;
}

static int dbrxe_fill_send_wqe(struct dbrxe_qp *qp, struct rxe_send_wqe *wqe,
			       const struct ibv_send_wr *wr)
{
	int64_t length;
	int ret, i;

	length = dbrxe_sge_length(wr->sg_list, wr->num_sge, qp->max_send_sge);
	ret = dbrxe_check_send_wr(qp, wr, length);
	if (ret)
		return ret;

	memset(wqe, 0, sizeof(*wqe));
	wqe->wr.wr_id = wr->wr_id;
	wqe->wr.opcode = wr->opcode;
	wqe->wr.send_flags = wr->send_flags;
	if (wr->opcode == IBV_WR_LOCAL_INV ||
	    wr->opcode == IBV_WR_SEND_WITH_INV)
		wqe->wr.ex.invalidate_rkey = wr->invalidate_rkey;
	else
		wqe->wr.ex.imm_data = wr->imm_data;

	if (qp->vqp.qp.qp_type == IBV_QPT_UD)
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
		dbrxe_wqe_set_rdma(wqe, wr->wr.rdma.rkey,
				   wr->wr.rdma.remote_addr);
		break;
	case IBV_WR_ATOMIC_WRITE:
		dbrxe_wqe_set_atomic_write(
			wqe, wr->wr.rdma.rkey, wr->wr.rdma.remote_addr,
			(const void *)(uintptr_t)wr->sg_list[0].addr);
		wqe->ssn = ++qp->ssn;
		return 0;
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

	if (write(qp->vqp.qp.context->cmd_fd, &req, sizeof(req)) != sizeof(req))
		return errno;
	return 0;
}

/*
 * A QP takes sends from RTS on (the kernel refuses the doorbell before)
 * and receives from INIT on.  The state is the one libibverbs recorded at
 * the last ibv_modify_qp().
 */
static bool dbrxe_qp_before(const struct ibv_qp *qp, enum ibv_qp_state state)
{
	return qp->state < state;
}

/*
 * On failure *bad_wr is the first request not posted, and NULL on
 * success.  If the doorbell fails, the requests are in the ring but the
 * kernel was not told, so the first of this call is the first not
 * posted.
 */
int dbrxe_post_send(struct ibv_qp *ibqp, struct ibv_send_wr *wr,
		    struct ibv_send_wr **bad_wr)
{
	struct dbrxe_qp *qp = to_dbrxe_qp(ibqp);
	struct ibv_send_wr *first = wr;
	int ret = 0, posted = 0;

	*bad_wr = NULL;
	if (!wr || dbrxe_qp_before(ibqp, IBV_QPS_RTS)) {
		*bad_wr = wr;
		return EINVAL;
	}
	pthread_spin_lock(&qp->sq_lock);
	for (; wr; wr = wr->next) {
		if (dbrxe_queue_full(&qp->sq)) {
			ret = ENOMEM;
			break;
		}
		ret = dbrxe_fill_send_wqe(
			qp, dbrxe_queue_producer_elem(&qp->sq), wr);
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

		if (db && !ret) {
			*bad_wr = first;
			ret = db;
		}
	}
	return ret;
}

int dbrxe_post_recv(struct ibv_qp *ibqp, struct ibv_recv_wr *wr,
		    struct ibv_recv_wr **bad_wr)
{
	struct dbrxe_qp *qp = to_dbrxe_qp(ibqp);

	*bad_wr = NULL;
	/* Without a ring, receives go to the SRQ. */
	if (!wr || !qp->rq.buf || dbrxe_qp_before(ibqp, IBV_QPS_INIT)) {
		*bad_wr = wr;
		return EINVAL;
	}
	return dbrxe_post_recv_ring(&qp->rq, &qp->rq_lock, qp->max_recv_sge, wr,
				    bad_wr);
}

/* UD multicast: rxe keeps the groups, the commands are the core's. */
int dbrxe_attach_mcast(struct ibv_qp *qp, const union ibv_gid *gid,
		       uint16_t lid)
{
	return ibv_cmd_attach_mcast(qp, gid, lid);
}

int dbrxe_detach_mcast(struct ibv_qp *qp, const union ibv_gid *gid,
		       uint16_t lid)
{
	return ibv_cmd_detach_mcast(qp, gid, lid);
}
