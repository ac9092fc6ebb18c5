/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dbrxe: a user-space provider for Soft-RoCE (rxe) devices, with
 * ibv_reg_dmabuf_mr().
 */
#ifndef DBRXE_H
#define DBRXE_H

#include "dbrxe_abi.h"

/* One rxe device, as the loader found it in sysfs.  Immutable. */
struct dbrxe_device {
	struct verbs_device vdev;
	int abi_version;
};

/* An open device context.  Immutable after dbrxe_alloc_context(). */
struct dbrxe_context {
	struct verbs_context vctx;
};

static inline struct dbrxe_context *to_dbrxe_ctx(struct ibv_context *ctx)
{
	return (struct dbrxe_context *)((char *)ctx -
					offsetof(struct dbrxe_context,
						 vctx.context));
}

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

#endif
