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

struct ibv_cq *dbrxe_create_cq(struct ibv_context *context, int cqe,
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
	ret = ibv_cmd_create_cq(context, cqe, channel, comp_vector, &cq->ibv_cq,
				&cmd, sizeof(cmd), &resp.ibv_resp,
				sizeof(resp));
	if (ret)
		goto err_free;
	ret = dbrxe_queue_map(&cq->q, context->cmd_fd, &resp.drv.mi);
	if (ret) {
		ibv_cmd_destroy_cq(&cq->ibv_cq);
		goto err_free;
	}
	pthread_spin_init(&cq->lock, PTHREAD_PROCESS_PRIVATE);
	return &cq->ibv_cq;

err_free:
	free(cq);
	errno = ret;
	return NULL;
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
