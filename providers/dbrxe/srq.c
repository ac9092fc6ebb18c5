// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Shared receive queues, and posting receives into any receive ring.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dbrxe.h"

struct dbrxe_create_srq_resp {
	struct ib_uverbs_create_srq_resp ibv_resp;
	struct rxe_create_srq_resp drv;
};

/* rxe wants to know where to write the ring's new place on a resize. */
struct dbrxe_modify_srq_cmd {
	struct ibv_modify_srq ibv_cmd;
	struct rxe_modify_srq_cmd drv;
};

/* Map the ring the kernel made for a new SRQ; destroys the SRQ on failure. */
static struct ibv_srq *dbrxe_srq_finish(struct dbrxe_srq *srq, int cmd_fd,
					const struct rxe_create_srq_resp *drv,
					uint32_t max_sge)
{
	int ret = dbrxe_queue_map(&srq->q, cmd_fd, &drv->mi);

	if (ret) {
		ibv_cmd_destroy_srq(&srq->vsrq.srq);
		free(srq);
		errno = ret;
		return NULL;
	}
	srq->max_sge = max_sge;
	srq->vsrq.srq_num = drv->srq_num;
	pthread_spin_init(&srq->lock, PTHREAD_PROCESS_PRIVATE);
	return &srq->vsrq.srq;
}

struct ibv_srq *dbrxe_create_srq(struct ibv_pd *pd,
				 struct ibv_srq_init_attr *attr)
{
	struct dbrxe_create_srq_resp resp = {};
	struct ibv_create_srq cmd;
	struct dbrxe_srq *srq;
	int ret;

	srq = calloc(1, sizeof(*srq));
	if (!srq)
		return NULL;
	ret = ibv_cmd_create_srq(pd, &srq->vsrq.srq, attr, &cmd, sizeof(cmd),
				 &resp.ibv_resp, sizeof(resp));
	if (ret) {
		free(srq);
		errno = ret;
		return NULL;
	}
	return dbrxe_srq_finish(srq, pd->context->cmd_fd, &resp.drv,
				attr->attr.max_sge);
}

/*
 * libibverbs sends a plain request (a PD and, at most, the basic type)
 * to dbrxe_create_srq(); what reaches this names a CQ or another type.
 * rxe has neither XRC nor tag matching, and the kernel says so.
 */
struct ibv_srq *dbrxe_create_srq_ex(struct ibv_context *context,
				    struct ibv_srq_init_attr_ex *attr)
{
	struct dbrxe_create_srq_resp resp = {};
	struct ibv_create_xsrq cmd;
	struct dbrxe_srq *srq;
	int ret;

	srq = calloc(1, sizeof(*srq));
	if (!srq)
		return NULL;
	ret = ibv_cmd_create_srq_ex(context, &srq->vsrq, attr, &cmd,
				    sizeof(cmd), &resp.ibv_resp, sizeof(resp));
	if (ret) {
		free(srq);
		errno = ret;
		return NULL;
	}
	return dbrxe_srq_finish(srq, context->cmd_fd, &resp.drv,
				attr->attr.max_sge);
}

int dbrxe_modify_srq(struct ibv_srq *ibsrq, struct ibv_srq_attr *attr,
		     int attr_mask)
{
	struct dbrxe_srq *srq = to_dbrxe_srq(ibsrq);
	struct dbrxe_modify_srq_cmd cmd = {};
	struct mminfo mi = {};
	int ret;

	cmd.drv.mmap_info_addr = (uintptr_t)&mi;
	/* A resize moves the ring: no receive may be posted meanwhile. */
	pthread_spin_lock(&srq->lock);
	ret = ibv_cmd_modify_srq(ibsrq, attr, attr_mask, &cmd.ibv_cmd,
				 sizeof(cmd));
	if (!ret && (attr_mask & IBV_SRQ_MAX_WR)) {
		struct dbrxe_queue q;

		ret = dbrxe_queue_map(&q, ibsrq->context->cmd_fd, &mi);
		if (!ret) {
			dbrxe_queue_unmap(&srq->q);
			srq->q = q;
		}
	}
	pthread_spin_unlock(&srq->lock);
	return ret;
}

int dbrxe_query_srq(struct ibv_srq *srq, struct ibv_srq_attr *attr)
{
	struct ibv_query_srq cmd;

	return ibv_cmd_query_srq(srq, attr, &cmd, sizeof(cmd));
}

int dbrxe_destroy_srq(struct ibv_srq *ibsrq)
{
	struct dbrxe_srq *srq = to_dbrxe_srq(ibsrq);
	int ret = ibv_cmd_destroy_srq(ibsrq);

	if (ret)
		return ret;
	dbrxe_queue_unmap(&srq->q);
	pthread_spin_destroy(&srq->lock);
	free(srq);
	return 0;
}

int dbrxe_post_recv_ring(struct dbrxe_queue *q, pthread_spinlock_t *lock,
			 uint32_t max_sge, struct ibv_recv_wr *wr,
			 struct ibv_recv_wr **bad_wr)
{
	struct rxe_recv_wqe *wqe;
	int ret = 0;

	pthread_spin_lock(lock);
	for (; wr; wr = wr->next) {
		if (wr->num_sge < 0 || (uint32_t)wr->num_sge > max_sge) {
			ret = EINVAL;
			break;
		}
		if (dbrxe_queue_full(q)) {
			ret = ENOMEM;
			break;
		}
		wqe = dbrxe_queue_producer_elem(q);
		memset(wqe, 0, sizeof(*wqe));
		wqe->wr_id = wr->wr_id;
		dbrxe_dma_set_sges(&wqe->dma, wr->sg_list, wr->num_sge);
		dbrxe_queue_produce(q);
	}
	pthread_spin_unlock(lock);
	if (ret)
		*bad_wr = wr;
	return ret;
}

int dbrxe_post_srq_recv(struct ibv_srq *ibsrq, struct ibv_recv_wr *wr,
			struct ibv_recv_wr **bad_wr)
{
	struct dbrxe_srq *srq = to_dbrxe_srq(ibsrq);

	return dbrxe_post_recv_ring(&srq->q, &srq->lock, srq->max_sge, wr,
				    bad_wr);
}
