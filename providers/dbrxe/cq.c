// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Completion queues: created by the kernel, polled from the shared ring.
 */
#include <errno.h>
#include <stdlib.h>

#include "dbrxe.h"

struct dbrxe_create_cq_resp {
	struct ib_uverbs_create_cq_resp ibv_resp;
	struct rxe_create_cq_resp drv;
};

static struct dbrxe_cq *dbrxe_cq_alloc(struct ibv_context *context, int cqe,
				       struct ibv_comp_channel *channel,
				       int comp_vector)
{
	struct dbrxe_create_cq_resp resp = {};
	struct ibv_create_cq cmd;
	struct dbrxe_cq *cq;
	int ret;

	cq = calloc(1, sizeof(*cq));
	if (!cq)
		return NULL;
	ret = ibv_cmd_create_cq(context, cqe, channel, comp_vector, &cq->vcq.cq,
				&cmd, sizeof(cmd), &resp.ibv_resp,
				sizeof(resp));
	if (ret)
		goto err_free;
	ret = dbrxe_queue_map(&cq->q, context->cmd_fd, &resp.drv.mi);
	if (ret) {
		ibv_cmd_destroy_cq(&cq->vcq.cq);
		goto err_free;
	}
	pthread_spin_init(&cq->lock, PTHREAD_PROCESS_PRIVATE);
	return cq;

err_free:
	free(cq);
	errno = ret;
	return NULL;
}

struct ibv_cq *dbrxe_create_cq(struct ibv_context *context, int cqe,
			       struct ibv_comp_channel *channel,
			       int comp_vector)
{
	struct dbrxe_cq *cq =
		dbrxe_cq_alloc(context, cqe, channel, comp_vector);

	return cq ? &cq->vcq.cq : NULL;
}

int dbrxe_destroy_cq(struct ibv_cq *ibcq)
{
	struct dbrxe_cq *cq = to_dbrxe_cq(ibcq);
	int ret = ibv_cmd_destroy_cq(ibcq);

	if (ret)
		return ret;
	dbrxe_queue_unmap(&cq->q);
	pthread_spin_destroy(&cq->lock);
	free(cq);
	return 0;
}

static void dbrxe_wc_from_uverbs(struct ibv_wc *wc,
				 const struct ib_uverbs_wc *u)
{
	wc->wr_id = u->wr_id;
	wc->status = u->status;
	wc->opcode = u->opcode;
	wc->vendor_err = u->vendor_err;
	wc->byte_len = u->byte_len;
	wc->imm_data = u->ex.imm_data;
	wc->qp_num = u->qp_num;
	wc->src_qp = u->src_qp;
	wc->wc_flags = u->wc_flags;
	wc->pkey_index = u->pkey_index;
	wc->slid = u->slid;
	wc->sl = u->sl;
	wc->dlid_path_bits = u->dlid_path_bits;
}

int dbrxe_poll_cq(struct ibv_cq *ibcq, int ne, struct ibv_wc *wc)
{
	struct dbrxe_cq *cq = to_dbrxe_cq(ibcq);
	const struct ib_uverbs_wc *cqe;
	int n;

	pthread_spin_lock(&cq->lock);
	for (n = 0; n < ne; n++) {
		cqe = dbrxe_queue_consumer_elem(&cq->q);
		if (!cqe)
			break;
		dbrxe_wc_from_uverbs(&wc[n], cqe);
		dbrxe_queue_consume(&cq->q);
	}
	pthread_spin_unlock(&cq->lock);
	return n;
}

int dbrxe_req_notify_cq(struct ibv_cq *ibcq, int solicited_only)
{
	return ibv_cmd_req_notify_cq(ibcq, solicited_only);
}

struct dbrxe_resize_cq_resp {
	struct ib_uverbs_resize_cq_resp ibv_resp;
	struct rxe_resize_cq_resp drv;
};

/*
 * The kernel moves the completions into a new ring; the old mapping must
 * not be polled once the command returns, so pollers are held off.
 */
int dbrxe_resize_cq(struct ibv_cq *ibcq, int cqe)
{
	struct dbrxe_cq *cq = to_dbrxe_cq(ibcq);
	struct dbrxe_resize_cq_resp resp = {};
	struct ibv_resize_cq cmd;
	struct dbrxe_queue q;
	int ret;

	pthread_spin_lock(&cq->lock);
	ret = ibv_cmd_resize_cq(ibcq, cqe, &cmd, sizeof(cmd), &resp.ibv_resp,
				sizeof(resp));
	if (!ret)
		ret = dbrxe_queue_map(&q, ibcq->context->cmd_fd, &resp.drv.mi);
	if (!ret) {
		dbrxe_queue_unmap(&cq->q);
		cq->q = q;
	}
	pthread_spin_unlock(&cq->lock);
	return ret;
}

/* The extended polling API: one completion at a time, under the lock. */
static struct dbrxe_cq *to_dbrxe_cq_ex(struct ibv_cq_ex *cq)
{
	return container_of(cq, struct dbrxe_cq, vcq.cq_ex);
}

static int dbrxe_cq_ex_load(struct dbrxe_cq *cq)
{
	cq->cur = dbrxe_queue_consumer_elem(&cq->q);
	if (!cq->cur)
		return ENOENT;
	cq->vcq.cq_ex.wr_id = cq->cur->wr_id;
	cq->vcq.cq_ex.status = cq->cur->status;
	return 0;
}

static int dbrxe_start_poll(struct ibv_cq_ex *ibcq,
			    struct ibv_poll_cq_attr *attr)
{
	struct dbrxe_cq *cq = to_dbrxe_cq_ex(ibcq);
	int ret;

	if (attr->comp_mask)
		return EINVAL;
	pthread_spin_lock(&cq->lock);
	ret = dbrxe_cq_ex_load(cq);
	/* On ENOENT the caller must not call end_poll(). */
	if (ret)
		pthread_spin_unlock(&cq->lock);
	return ret;
}

static int dbrxe_next_poll(struct ibv_cq_ex *ibcq)
{
	struct dbrxe_cq *cq = to_dbrxe_cq_ex(ibcq);

	dbrxe_queue_consume(&cq->q);
	return dbrxe_cq_ex_load(cq);
}

static void dbrxe_end_poll(struct ibv_cq_ex *ibcq)
{
	struct dbrxe_cq *cq = to_dbrxe_cq_ex(ibcq);

	if (cq->cur)
		dbrxe_queue_consume(&cq->q);
	cq->cur = NULL;
	pthread_spin_unlock(&cq->lock);
}

#define DBRXE_CQ_READ(name, type, field)                      \
	static type dbrxe_read_##name(struct ibv_cq_ex *ibcq) \
	{                                                     \
		return to_dbrxe_cq_ex(ibcq)->cur->field;      \
	}

DBRXE_CQ_READ(opcode, enum ibv_wc_opcode, opcode)
DBRXE_CQ_READ(vendor_err, uint32_t, vendor_err)
DBRXE_CQ_READ(byte_len, uint32_t, byte_len)
DBRXE_CQ_READ(imm_data, __be32, ex.imm_data)
DBRXE_CQ_READ(qp_num, uint32_t, qp_num)
DBRXE_CQ_READ(src_qp, uint32_t, src_qp)
DBRXE_CQ_READ(wc_flags, unsigned int, wc_flags)
DBRXE_CQ_READ(slid, uint32_t, slid)
DBRXE_CQ_READ(sl, uint8_t, sl)
DBRXE_CQ_READ(dlid_path_bits, uint8_t, dlid_path_bits)

/* What rxe's completions can report; timestamps and the like it has not. */
#define DBRXE_WC_EX_FLAGS                                                      \
	(IBV_WC_EX_WITH_BYTE_LEN | IBV_WC_EX_WITH_IMM |                        \
	 IBV_WC_EX_WITH_QP_NUM | IBV_WC_EX_WITH_SRC_QP | IBV_WC_EX_WITH_SLID | \
	 IBV_WC_EX_WITH_SL | IBV_WC_EX_WITH_DLID_PATH_BITS)

struct ibv_cq_ex *dbrxe_create_cq_ex(struct ibv_context *context,
				     struct ibv_cq_init_attr_ex *attr)
{
	struct ibv_cq_ex *ex;
	struct dbrxe_cq *cq;

	/*
	 * What libibverbs' extended command would tell the kernel, as
	 * librxe uses it: SINGLE_THREADED is a hint (the lock is cheap
	 * uncontended and stays), rxe cannot ignore overruns, other flags
	 * and a parent domain mean nothing to it.
	 */
	if (attr->wc_flags & ~(uint64_t)DBRXE_WC_EX_FLAGS ||
	    ((attr->comp_mask & IBV_CQ_INIT_ATTR_MASK_FLAGS) &&
	     (attr->flags & IBV_CREATE_CQ_ATTR_IGNORE_OVERRUN))) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	/* The same kernel CQ as ibv_create_cq() makes; only polling differs. */
	cq = dbrxe_cq_alloc(context, attr->cqe, attr->channel,
			    attr->comp_vector);
	if (!cq)
		return NULL;
	/* ibv_create_cq_ex() leaves this to the provider. */
	verbs_init_cq(&cq->vcq.cq, context, attr->channel, attr->cq_context);

	ex = &cq->vcq.cq_ex;
	ex->start_poll = dbrxe_start_poll;
	ex->next_poll = dbrxe_next_poll;
	ex->end_poll = dbrxe_end_poll;
	ex->read_opcode = dbrxe_read_opcode;
	ex->read_vendor_err = dbrxe_read_vendor_err;
	ex->read_byte_len = dbrxe_read_byte_len;
	ex->read_imm_data = dbrxe_read_imm_data;
	ex->read_qp_num = dbrxe_read_qp_num;
	ex->read_src_qp = dbrxe_read_src_qp;
	ex->read_wc_flags = dbrxe_read_wc_flags;
	ex->read_slid = dbrxe_read_slid;
	ex->read_sl = dbrxe_read_sl;
	ex->read_dlid_path_bits = dbrxe_read_dlid_path_bits;
	return ex;
}
