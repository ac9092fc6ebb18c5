/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a completion on a session's CQ means to the session thread while
 * it waits for one thing in particular (completion.c).  A pure function
 * of the completion, so that the rules hold for every wait and can be
 * checked without a QP.
 */
#ifndef DOORBELL_TARGET_COMPLETION_H
#define DOORBELL_TARGET_COMPLETION_H

#include <stdbool.h>
#include <stdint.h>

#include <infiniband/verbs.h>

/*
 * What a send completion's wr_id says it was.  A receive's wr_id is its
 * slot in session.msgs instead, a small number.
 */
#define SESSION_WR_SEND (1ull << 62) /* an answer */
#define SESSION_WR_RDMA (1ull << 61) /* a two-sided command's data */
#define SESSION_WR_SEND_UPKEEP (1ull << 60) /* READY, a statistics answer */
#define SESSION_WR_KEEPALIVE (1ull << 59)
#define SESSION_WR_BIND (1ull << 58) /* one of a session's windows */

/*
 * While waiting for the send of wr_id @want (SESSION_WR_RDMA or
 * SESSION_WR_BIND), what completion @wc means: 1 when it is that send,
 * 0 to go on waiting, -ECONNRESET for a failed or flushed work request,
 * -EPROTO for a request (the initiator has none out while the target
 * works on one, and sends none before READY).  A keepalive's completion
 * clears *@keepalive_out, whatever is awaited: the next keepalive goes
 * out only once the last one completed.
 */
int session_wc_awaited(const struct ibv_wc *wc, uint64_t want,
		       bool *keepalive_out);

/*
 * Is successful completion @wc the arrival of one whole message of
 * @msg_len bytes?  1 when it is; 0 when it is no arrival (the target's
 * own send, window bind or RDMA completed); -EPROTO for any other
 * arrival, which the protocol never makes: a receive of another length,
 * such as an empty SEND, which would leave the slot's previous message
 * there to be run again, or an RDMA WRITE with immediate, which takes a
 * receive slot without a message.
 */
int session_wc_message(const struct ibv_wc *wc, uint32_t msg_len);

#endif /* DOORBELL_TARGET_COMPLETION_H */
