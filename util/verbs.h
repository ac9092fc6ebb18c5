/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DOORBELL_UTIL_VERBS_H
#define DOORBELL_UTIL_VERBS_H

#include <errno.h>
#include <stdint.h>

#include <infiniband/verbs.h>

/*
 * util_post_recv - post one receive of @length bytes at @addr (in the MR
 * of @lkey) on @qp, identified by @wr_id in its completion.
 *
 * Return: 0, or the negative errno of ibv_post_recv().
 */
static inline int util_post_recv(struct ibv_qp *qp, void *addr, uint32_t length,
				 uint32_t lkey, uint64_t wr_id)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)addr,
		.length = length,
		.lkey = lkey,
	};
	struct ibv_recv_wr wr = { .wr_id = wr_id,
				  .sg_list = &sge,
				  .num_sge = 1 },
			   *bad;

	return ibv_post_recv(qp, &wr, &bad) ? -errno : 0;
}

#endif
