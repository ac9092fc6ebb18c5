/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dbrxe: a user-space provider for Soft-RoCE (rxe) devices, with
 * ibv_reg_dmabuf_mr().
 */
#ifndef DBRXE_H
#define DBRXE_H

#include <pthread.h>
#include <string.h>

#include "dbrxe_abi.h"
#include "queue.h"

/* One rxe device, as the loader found it in sysfs.  Immutable. */
struct dbrxe_device {
	struct verbs_device vdev;
};

/* An open device context.  Immutable after dbrxe_alloc_context(). */
struct dbrxe_context {
	struct verbs_context vctx;
};

static inline struct dbrxe_context *to_dbrxe_ctx(struct ibv_context *ctx)
{
	return container_of(ctx, struct dbrxe_context, vctx.context);
}

/*
 * A completion queue.  @lock serialises pollers: the consumer index is
 * ours, and two threads must not hand out the same completion.  With the
 * extended API the lock is held from start_poll to end_poll, and @cur is
 * the completion being read.
 */
struct dbrxe_cq {
	struct verbs_cq vcq; /* ibv_cq, or ibv_cq_ex */
	pthread_spinlock_t lock;
	struct dbrxe_queue q;
	const struct ib_uverbs_wc *cur;
};

/*
 * A queue pair.  @sq_lock covers the send ring's producer index and @ssn,
 * and with the ibv_wr_* API it is held from wr_start to wr_complete or
 * wr_abort, while @wr_prod runs ahead of the published index, @wr_cur is
 * the request being built and @wr_err the first error.  @rq_lock covers
 * the receive ring's producer index.  The caps are fixed at creation.
 */
struct dbrxe_qp {
	struct verbs_qp vqp; /* ibv_qp, or ibv_qp_ex */
	pthread_spinlock_t sq_lock;
	pthread_spinlock_t rq_lock;
	struct dbrxe_queue sq;
	struct dbrxe_queue rq; /* unmapped when the QP uses an SRQ */
	uint32_t ssn;
	uint32_t max_send_sge;
	uint32_t max_recv_sge;
	uint32_t max_inline;
	uint32_t wr_prod;
	struct rxe_send_wqe *wr_cur;
	int wr_err;
};

/*
 * A shared receive queue, made by ibv_create_srq() or ibv_create_srq_ex();
 * @lock covers the ring's producer index.
 */
struct dbrxe_srq {
	struct verbs_srq vsrq;
	pthread_spinlock_t lock;
	struct dbrxe_queue q;
	uint32_t max_sge;
};

/* An address handle: the kernel keeps the AV, sends name it by number. */
struct dbrxe_ah {
	struct ibv_ah ibv_ah;
	uint32_t ah_num;
};

static inline struct dbrxe_cq *to_dbrxe_cq(struct ibv_cq *cq)
{
	return container_of(cq, struct dbrxe_cq, vcq.cq);
}

static inline struct dbrxe_qp *to_dbrxe_qp(struct ibv_qp *qp)
{
	return container_of(qp, struct dbrxe_qp, vqp.qp);
}

static inline struct dbrxe_qp *to_dbrxe_qp_ex(struct ibv_qp_ex *qp)
{
	return container_of(qp, struct dbrxe_qp, vqp.qp_ex);
}

static inline struct dbrxe_srq *to_dbrxe_srq(struct ibv_srq *srq)
{
	return container_of(srq, struct dbrxe_srq, vsrq.srq);
}

static inline struct dbrxe_ah *to_dbrxe_ah(struct ibv_ah *ah)
{
	return container_of(ah, struct dbrxe_ah, ibv_ah);
}

/*
 * Describe @num SGEs in a work request's DMA descriptor.  struct rxe_sge
 * and struct ibv_sge have the same layout, so the list is copied as is.
 */
static inline void dbrxe_dma_set_sges(struct rxe_dma_info *dma,
				      const struct ibv_sge *sg, uint32_t num)
{
	uint64_t length = 0;
	uint32_t i;

	for (i = 0; i < num; i++)
		length += sg[i].length;
	memcpy(dma->sge, sg, num * sizeof(*sg));
	dma->num_sge = num;
	dma->length = length;
	dma->resid = length;
}

/*
 * The remote side of a work request.  The legacy ibv_post_send() path and
 * the ibv_wr_* API both describe requests with these.
 */
static inline void dbrxe_wqe_set_rdma(struct rxe_send_wqe *wqe, uint32_t rkey,
				      uint64_t remote_addr)
{
	wqe->wr.wr.rdma.remote_addr = remote_addr;
	wqe->wr.wr.rdma.rkey = rkey;
	wqe->iova = remote_addr;
}

static inline void dbrxe_wqe_set_atomic(struct rxe_send_wqe *wqe, uint32_t rkey,
					uint64_t remote_addr,
					uint64_t compare_add, uint64_t swap)
{
	wqe->wr.wr.atomic.remote_addr = remote_addr;
	wqe->wr.wr.atomic.compare_add = compare_add;
	wqe->wr.wr.atomic.swap = swap;
	wqe->wr.wr.atomic.rkey = rkey;
	wqe->iova = remote_addr;
}

/*
 * An atomic write names its target as an RDMA WRITE does; its 8 bytes
 * travel in the request itself, where inline data would be (the kernel's
 * dma.atomic_wr).
 */
static inline void dbrxe_wqe_set_atomic_write(struct rxe_send_wqe *wqe,
					      uint32_t rkey,
					      uint64_t remote_addr,
					      const void *value)
{
	dbrxe_wqe_set_rdma(wqe, rkey, remote_addr);
	memcpy(wqe->dma.inline_data, value, 8);
	wqe->dma.length = 8;
	wqe->dma.resid = 8;
}

/* A bind is a local operation: the kernel needs only the window's fields. */
static inline void dbrxe_wqe_set_bind_mw(struct rxe_send_wqe *wqe,
					 const struct ibv_mw *mw, uint32_t rkey,
					 const struct ibv_mw_bind_info *info)
{
	wqe->wr.wr.mw.addr = info->addr;
	wqe->wr.wr.mw.length = info->length;
	wqe->wr.wr.mw.mr_lkey = info->mr ? info->mr->lkey : 0;
	wqe->wr.wr.mw.mw_rkey = mw->rkey;
	wqe->wr.wr.mw.rkey = rkey;
	wqe->wr.wr.mw.access = info->mw_access_flags;
}

/* UD sends name the address handle by the kernel's number. */
static inline void dbrxe_wqe_set_ud(struct rxe_send_wqe *wqe,
				    const struct dbrxe_ah *ah,
				    uint32_t remote_qpn, uint32_t remote_qkey)
{
	wqe->wr.wr.ud.remote_qpn = remote_qpn;
	wqe->wr.wr.ud.remote_qkey = remote_qkey;
	wqe->wr.wr.ud.ah_num = ah->ah_num;
}

/* srq.c */
struct ibv_srq *dbrxe_create_srq(struct ibv_pd *pd,
				 struct ibv_srq_init_attr *attr);
struct ibv_srq *dbrxe_create_srq_ex(struct ibv_context *context,
				    struct ibv_srq_init_attr_ex *attr);
int dbrxe_modify_srq(struct ibv_srq *srq, struct ibv_srq_attr *attr,
		     int attr_mask);
int dbrxe_query_srq(struct ibv_srq *srq, struct ibv_srq_attr *attr);
int dbrxe_destroy_srq(struct ibv_srq *srq);
int dbrxe_post_srq_recv(struct ibv_srq *srq, struct ibv_recv_wr *wr,
			struct ibv_recv_wr **bad_wr);
int dbrxe_post_recv_ring(struct dbrxe_queue *q, pthread_spinlock_t *lock,
			 uint32_t max_sge, struct ibv_recv_wr *wr,
			 struct ibv_recv_wr **bad_wr);

/* ah_mw.c */
struct ibv_ah *dbrxe_create_ah(struct ibv_pd *pd, struct ibv_ah_attr *attr);
int dbrxe_destroy_ah(struct ibv_ah *ah);
struct ibv_mw *dbrxe_alloc_mw(struct ibv_pd *pd, enum ibv_mw_type type);
int dbrxe_dealloc_mw(struct ibv_mw *mw);
int dbrxe_bind_mw(struct ibv_qp *qp, struct ibv_mw *mw,
		  struct ibv_mw_bind *mw_bind);

/* cq.c */
struct ibv_cq *dbrxe_create_cq(struct ibv_context *context, int cqe,
			       struct ibv_comp_channel *channel,
			       int comp_vector);
int dbrxe_destroy_cq(struct ibv_cq *cq);
int dbrxe_poll_cq(struct ibv_cq *cq, int ne, struct ibv_wc *wc);
int dbrxe_req_notify_cq(struct ibv_cq *cq, int solicited_only);
int dbrxe_resize_cq(struct ibv_cq *cq, int cqe);
struct ibv_cq_ex *dbrxe_create_cq_ex(struct ibv_context *context,
				     struct ibv_cq_init_attr_ex *attr);

/* qp.c */
struct ibv_qp *dbrxe_create_qp(struct ibv_pd *pd,
			       struct ibv_qp_init_attr *attr);
int dbrxe_modify_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int attr_mask);
int dbrxe_query_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int attr_mask,
		   struct ibv_qp_init_attr *init_attr);
int dbrxe_destroy_qp(struct ibv_qp *qp);
int dbrxe_post_send(struct ibv_qp *qp, struct ibv_send_wr *wr,
		    struct ibv_send_wr **bad_wr);
int dbrxe_post_recv(struct ibv_qp *qp, struct ibv_recv_wr *wr,
		    struct ibv_recv_wr **bad_wr);
struct ibv_qp *dbrxe_create_qp_ex(struct ibv_context *context,
				  struct ibv_qp_init_attr_ex *attr);
int dbrxe_ring_send_doorbell(struct dbrxe_qp *qp);
int dbrxe_attach_mcast(struct ibv_qp *qp, const union ibv_gid *gid,
		       uint16_t lid);
int dbrxe_detach_mcast(struct ibv_qp *qp, const union ibv_gid *gid,
		       uint16_t lid);

/* wr.c */
uint64_t dbrxe_qp_ex_ops(enum ibv_qp_type type);
void dbrxe_qp_ex_init(struct dbrxe_qp *qp);

/* verbs.c */
int dbrxe_query_device_ex(struct ibv_context *context,
			  const struct ibv_query_device_ex_input *input,
			  struct ibv_device_attr_ex *attr, size_t attr_size);
int dbrxe_query_port(struct ibv_context *context, uint8_t port,
		     struct ibv_port_attr *attr);
struct ibv_pd *dbrxe_alloc_pd(struct ibv_context *context);
int dbrxe_dealloc_pd(struct ibv_pd *pd);
struct ibv_mr *dbrxe_reg_mr(struct ibv_pd *pd, void *addr, size_t length,
			    uint64_t hca_va, int access);
struct ibv_mr *dbrxe_reg_dmabuf_mr(struct ibv_pd *pd, uint64_t offset,
				   size_t length, uint64_t iova, int fd,
				   int access);
int dbrxe_dereg_mr(struct verbs_mr *vmr);
int dbrxe_rereg_mr(struct verbs_mr *vmr, int flags, struct ibv_pd *pd,
		   void *addr, size_t length, int access);

#endif
