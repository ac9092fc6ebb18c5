/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef DOORBELL_UTIL_VERBS_H
#define DOORBELL_UTIL_VERBS_H

#include <stdint.h>

#include <infiniband/verbs.h>

/*
 * util_post_errno - @ret, the value a post verb returned, as a negative
 * errno.  ibv_post_send() and ibv_post_recv() return the error itself and
 * need not set errno, so errno after a failed post may say nothing, or
 * hold an earlier call's error; providers also differ in its sign.
 *
 * Return: 0 when @ret is 0, else the negative errno it stands for.
 */
static inline int util_post_errno(int ret)
{
	return ret > 0 ? -ret : ret;
}

/*
 * util_post_send - post the chain @wr on the send queue of @qp.
 *
 * Return: 0, or the negative errno of ibv_post_send().
 */
static inline int util_post_send(struct ibv_qp *qp, struct ibv_send_wr *wr)
{
	struct ibv_send_wr *bad;

	return util_post_errno(ibv_post_send(qp, wr, &bad));
}

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

	return util_post_errno(ibv_post_recv(qp, &wr, &bad));
}

/*
 * util_post_bind_mw - post a signalled bind of type 2 window @mw over
 * [@addr, @addr + @length) of @mr with @access, identified by @wr_id in
 * its completion, with the next rkey of @mw, which goes into *@rkey.  The
 * window holds that rkey once the bind completes successfully.
 *
 * Return: 0, or the negative errno of ibv_post_send().
 */
static inline int util_post_bind_mw(struct ibv_qp *qp, struct ibv_mw *mw,
				    struct ibv_mr *mr, uint64_t addr,
				    uint64_t length, int access, uint64_t wr_id,
				    uint32_t *rkey)
{
	struct ibv_send_wr wr = {
		.wr_id = wr_id,
		.opcode = IBV_WR_BIND_MW,
		.send_flags = IBV_SEND_SIGNALED,
		.bind_mw = {
			.mw = mw,
			.rkey = ibv_inc_rkey(mw->rkey),
			.bind_info = { .mr = mr, .addr = addr, .length = length,
				       .mw_access_flags = access },
		},
	};
	int ret = util_post_send(qp, &wr);

	if (ret)
		return ret;
	*rkey = wr.bind_mw.rkey;
	return 0;
}

#endif
