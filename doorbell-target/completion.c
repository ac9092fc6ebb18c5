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

int session_wc_message(const struct ibv_wc *wc, uint32_t msg_len)
{
	if (!(wc->opcode & IBV_WC_RECV))
		return 0;
	if (wc->opcode != IBV_WC_RECV || wc->byte_len != msg_len)
		return -EPROTO;
	return 1;
}
