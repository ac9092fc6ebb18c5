/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of the initiator library. */
#ifndef DOORBELL_INITIATOR_PRIVATE_H
#define DOORBELL_INITIATOR_PRIVATE_H

#include <stdbool.h>

#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>

#include "doorbell_initiator.h"
#include "doorbell_proto.h"
#include "nvme_spec.h"

/* The public modes are the protocol's, number for number. */
#define DBI_SAME_MODE(m) ((int)DBI_MODE_##m == (int)DB_MODE_##m)
_Static_assert(DBI_SAME_MODE(ONE_SIDED) && DBI_SAME_MODE(RING_BUSY) &&
		       DBI_SAME_MODE(RING_EVENT) &&
		       DBI_SAME_MODE(TWO_SIDED_BUSY) &&
		       DBI_SAME_MODE(TWO_SIDED_EVENT) &&
		       (int)DB_MODE_MAX == (int)DBI_MODE_TWO_SIDED_EVENT,
	       "enum dbi_mode and enum db_mode differ");

#define DBI_RECVS 4
#define DBI_MAX_TRANSFER 8192

/*
 * Registered memory the session's work requests read from and write
 * into: one allocation, one MR.
 */
struct dbi_stage {
	struct dbnvme_sqe sqe;
	struct dbnvme_cqe cqe;
	uint32_t sq_tail; /* value for the SQ tail doorbell */
	uint32_t cq_head; /* value for the CQ head doorbell */
	uint32_t probe;
	struct db_msg send;
	struct db_msg recv[DBI_RECVS];
	uint8_t data[DBI_MAX_TRANSFER] __attribute__((aligned(4096)));
};

struct dbi_session {
	struct rdma_event_channel *channel;
	struct rdma_cm_id *id;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct dbi_stage *stage;
	struct ibv_mr *stage_mr;
	enum db_mode mode;
	unsigned int timeout_ms;
	struct db_ready ready;
	uint32_t max_blocks; /* per command */

	/* The initiator's view of its queue (one-sided and ring modes). */
	uint16_t sq_tail;
	uint16_t cq_head;
	uint8_t phase;
	uint16_t cq_head_rung; /* the last head the doorbell was told */
	uint16_t cq_unrung; /* CQEs consumed since */
	uint16_t next_cid;
	uint16_t next_tag;

	/*
	 * A target's answer can complete before the ack of the request it
	 * answers; receives seen while waiting for a send wait here, in
	 * order, for dbi_recv_wait().
	 */
	uint32_t early_recv[DBI_RECVS];
	unsigned int nr_early_recv;
};

/* Post @wr (a chain; its last one signaled) and wait for that one. */
int dbi_post_wait(struct dbi_session *s, struct ibv_send_wr *wr);
/* Wait for a message of @type; repost its receive buffer. */
int dbi_recv_wait(struct dbi_session *s, uint8_t type, struct db_msg *msg);
int dbi_send(struct dbi_session *s, const struct db_msg *msg);

/*
 * Nothing makes an RDMA READ atomic against the controller's write of
 * the CQE it reads.  Soft-RoCE copies the payload with memcpy(), which a
 * kernel built for size emits as rep movsb, one byte at a time under
 * TCG: a read racing the write returns the new status and phase after
 * the identifier of the entry's previous lap (or zeroes, on the first).
 * A new-phase CQE whose identifier is not the command's is read again,
 * this many times, before it counts as a completion that is not ours.
 */
#define DBI_CQE_REREADS 8

enum dbi_cqe_verdict {
	DBI_CQE_NOT_YET, /* read the entry again */
	DBI_CQE_OURS, /* the completion of the command waited for */
	DBI_CQE_FOREIGN, /* a completion of some other command */
};

/*
 * What the snapshot @cqe of the entry at the head says to a command @cid
 * waiting for @phase; *@rereads counts the new-phase entries that named
 * another command, from 0 for each command (cq.c).
 */
enum dbi_cqe_verdict dbi_cqe_check(const struct dbnvme_cqe *cqe, uint8_t phase,
				   uint16_t cid, unsigned int *rereads);
/*
 * Move the head past the entry just consumed, flipping the phase at the
 * end of the ring.
 */
void dbi_cq_consume(struct dbi_session *s);
/*
 * True when the slots consumed since the last ring make half the queue
 * and go back to the controller with the next command: cq_head_rung is
 * then the head to ring.
 */
bool dbi_cq_head_due(struct dbi_session *s);

/*
 * The geometry a target's READY announced, checked before anything is
 * sent (geometry.c): 0 and the blocks per command in *@max_blocks, or
 * -EPROTO for blocks that are no NVMe LBA size, a queue of fewer than two
 * entries, or a transfer limit outside [block_size, DBI_MAX_TRANSFER].
 */
int dbi_geometry_check(const struct db_ready *r, uint32_t *max_blocks);
/*
 * Whether blocks [@slba, @slba + @nblocks) lie in the namespace: -EINVAL
 * for none, -ERANGE for any past its end.
 */
int dbi_extent_check(const struct db_ready *r, uint64_t slba, uint32_t nblocks);
/* The blocks of the next command of a request with @nblocks left. */
uint32_t dbi_chunk_blocks(uint32_t nblocks, uint32_t max_blocks);

/* One command, one-sided or rung by the target CPU (one_sided.c). */
int dbi_queue_command(struct dbi_session *s, uint8_t opcode, uint64_t slba,
		      uint32_t nblocks, void *data);
/* One command run by the target CPU (two_sided.c). */
int dbi_remote_command(struct dbi_session *s, uint8_t opcode, uint64_t slba,
		       uint32_t nblocks, void *data);

#endif /* DOORBELL_INITIATOR_PRIVATE_H */
