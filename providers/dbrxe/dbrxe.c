// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Registration with libibverbs, device matching and contexts.
 */
#include <errno.h>
#include <stdlib.h>

#include <rdma/ib_user_ioctl_verbs.h>

#include "dbrxe.h"

/* The rxe kernel driver's uverbs ABI versions. */
#define DBRXE_ABI_MIN 1
#define DBRXE_ABI_MAX 2

static const struct verbs_match_ent dbrxe_match_table[] = {
	{ .u.driver_id = RDMA_DRIVER_RXE, .kind = VERBS_MATCH_DRIVER_ID },
	{},
};

static void dbrxe_free_context(struct ibv_context *ibctx)
{
	struct dbrxe_context *ctx = to_dbrxe_ctx(ibctx);

	verbs_uninit_context(&ctx->vctx);
	free(ctx);
}

static const struct verbs_context_ops dbrxe_ctx_ops = {
	.alloc_mw = dbrxe_alloc_mw,
	.alloc_pd = dbrxe_alloc_pd,
	.attach_mcast = dbrxe_attach_mcast,
	.bind_mw = dbrxe_bind_mw,
	.create_ah = dbrxe_create_ah,
	.create_cq = dbrxe_create_cq,
	.create_cq_ex = dbrxe_create_cq_ex,
	.create_qp = dbrxe_create_qp,
	.create_qp_ex = dbrxe_create_qp_ex,
	.create_srq = dbrxe_create_srq,
	.create_srq_ex = dbrxe_create_srq_ex,
	.dealloc_mw = dbrxe_dealloc_mw,
	.dealloc_pd = dbrxe_dealloc_pd,
	.dereg_mr = dbrxe_dereg_mr,
	.destroy_ah = dbrxe_destroy_ah,
	.destroy_cq = dbrxe_destroy_cq,
	.destroy_qp = dbrxe_destroy_qp,
	.destroy_srq = dbrxe_destroy_srq,
	.detach_mcast = dbrxe_detach_mcast,
	.free_context = dbrxe_free_context,
	.modify_qp = dbrxe_modify_qp,
	.modify_srq = dbrxe_modify_srq,
	.poll_cq = dbrxe_poll_cq,
	.post_recv = dbrxe_post_recv,
	.post_send = dbrxe_post_send,
	.post_srq_recv = dbrxe_post_srq_recv,
	.query_device_ex = dbrxe_query_device_ex,
	.query_port = dbrxe_query_port,
	.query_qp = dbrxe_query_qp,
	.query_srq = dbrxe_query_srq,
	.reg_dmabuf_mr = dbrxe_reg_dmabuf_mr,
	.reg_mr = dbrxe_reg_mr,
	.req_notify_cq = dbrxe_req_notify_cq,
	.rereg_mr = dbrxe_rereg_mr,
	.resize_cq = dbrxe_resize_cq,
};

static struct verbs_context *dbrxe_alloc_context(struct ibv_device *ibdev,
						 int cmd_fd, void *private_data)
{
	struct ib_uverbs_get_context_resp resp;
	struct ibv_get_context cmd;
	struct dbrxe_context *ctx;

	ctx = _verbs_init_and_alloc_context(
		ibdev, cmd_fd, sizeof(*ctx),
		(struct verbs_context *)offsetof(struct dbrxe_context, vctx),
		RDMA_DRIVER_RXE);
	if (!ctx)
		return NULL;
	if (ibv_cmd_get_context(&ctx->vctx, &cmd, sizeof(cmd), &resp,
				sizeof(resp))) {
		verbs_uninit_context(&ctx->vctx);
		free(ctx);
		return NULL;
	}
	verbs_set_ops(&ctx->vctx, &dbrxe_ctx_ops);
	/*
	 * With two providers for rxe installed, which one took the device
	 * is otherwise invisible; VERBS_LOG_LEVEL=3 shows it.
	 */
	__verbs_log(&ctx->vctx, VERBS_LOG_INFO,
		    "dbrxe: %s: served by dbrxe (libdbrxe-rdmav34.so)\n",
		    ibdev->name);
	return &ctx->vctx;
}

static struct verbs_device *dbrxe_alloc_device(struct verbs_sysfs_dev *sysfs)
{
	/* Zeroed: the loader checks that unused ibv_device slots are NULL. */
	struct dbrxe_device *dev = calloc(1, sizeof(*dev));

	return dev ? &dev->vdev : NULL;
}

static void dbrxe_uninit_device(struct verbs_device *vdev)
{
	free(vdev);
}

static const struct verbs_device_ops dbrxe_dev_ops = {
	.name = "dbrxe",
	.match_min_abi_version = DBRXE_ABI_MIN,
	.match_max_abi_version = DBRXE_ABI_MAX,
	.match_table = dbrxe_match_table,
	.alloc_device = dbrxe_alloc_device,
	.uninit_device = dbrxe_uninit_device,
	.alloc_context = dbrxe_alloc_context,
};

static void __attribute__((constructor)) dbrxe_register(void)
{
	verbs_register_driver_34(&dbrxe_dev_ops);
}
