// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Address handles and memory windows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dbrxe.h"

struct dbrxe_create_ah_resp {
	struct ib_uverbs_create_ah_resp ibv_resp;
	struct rxe_create_ah_resp drv;
};

struct ibv_ah *dbrxe_create_ah(struct ibv_pd *pd, struct ibv_ah_attr *attr)
{
	struct dbrxe_create_ah_resp resp = {};
	struct dbrxe_ah *ah;
	int ret;

	ah = calloc(1, sizeof(*ah));
	if (!ah)
		return NULL;
	ret = ibv_cmd_create_ah(pd, &ah->ibv_ah, attr, &resp.ibv_resp,
				sizeof(resp));
	if (ret)
		goto err;
	/* Kernels before 5.11 return no AH number; UD sends need one. */
	if (!resp.drv.ah_num) {
		ibv_cmd_destroy_ah(&ah->ibv_ah);
		ret = EOPNOTSUPP;
		goto err;
	}
	ah->ah_num = resp.drv.ah_num;
	return &ah->ibv_ah;

err:
	free(ah);
	errno = ret;
	return NULL;
}

int dbrxe_destroy_ah(struct ibv_ah *ibah)
{
	int ret = ibv_cmd_destroy_ah(ibah);

	if (!ret)
		free(to_dbrxe_ah(ibah));
	return ret;
}

struct ibv_mw *dbrxe_alloc_mw(struct ibv_pd *pd, enum ibv_mw_type type)
{
	struct ib_uverbs_alloc_mw_resp resp;
	struct ibv_alloc_mw cmd;
	struct ibv_mw *mw;
	int ret;

	mw = calloc(1, sizeof(*mw));
	if (!mw)
		return NULL;
	ret = ibv_cmd_alloc_mw(pd, type, mw, &cmd, sizeof(cmd), &resp,
			       sizeof(resp));
	if (ret) {
		free(mw);
		errno = ret;
		return NULL;
	}
	return mw;
}

int dbrxe_dealloc_mw(struct ibv_mw *mw)
{
	int ret = ibv_cmd_dealloc_mw(mw);

	if (!ret)
		free(mw);
	return ret;
}

/*
 * A type 1 window is bound through the QP like a type 2 one: a BIND_MW
 * work request carrying the next rkey, which the window takes on once
 * the request is posted.  An unbind names no MR and no range; a type 1
 * window is never zero based.
 */
int dbrxe_bind_mw(struct ibv_qp *qp, struct ibv_mw *mw,
		  struct ibv_mw_bind *mw_bind)
{
	const struct ibv_mw_bind_info *info = &mw_bind->bind_info;
	struct ibv_send_wr wr = {}, *bad;
	int ret;

	if (mw->type != IBV_MW_TYPE_1 ||
	    (!info->mr && (info->addr || info->length)) ||
	    (info->mw_access_flags & IBV_ACCESS_ZERO_BASED)) {
		errno = EINVAL;
		return EINVAL;
	}
	wr.wr_id = mw_bind->wr_id;
	wr.opcode = IBV_WR_BIND_MW;
	wr.send_flags = mw_bind->send_flags;
	wr.bind_mw.mw = mw;
	wr.bind_mw.rkey = ibv_inc_rkey(mw->rkey);
	wr.bind_mw.bind_info = mw_bind->bind_info;
	ret = dbrxe_post_send(qp, &wr, &bad);
	if (ret) {
		errno = ret;
		return ret;
	}
	/* An error completion leaves the caller to undo this. */
	mw->rkey = wr.bind_mw.rkey;
	return 0;
}
