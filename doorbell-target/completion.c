// SPDX-License-Identifier: GPL-2.0
/*
 * The session thread's reading of its completions (see completion.h).
 */
#include <errno.h>

#include "completion.h"

int session_wc_awaited(const struct ibv_wc *wc, uint64_t want,
		       bool *keepalive_out)
{
	if (wc->status != IBV_WC_SUCCESS)
		return -ECONNRESET;
	if (wc->opcode & IBV_WC_RECV)
		return -EPROTO;
	if (wc->wr_id == SESSION_WR_KEEPALIVE)
		*keepalive_out = false;
	return wc->wr_id == want;
}
