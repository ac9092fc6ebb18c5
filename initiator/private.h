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

/* Every DBI_F_* flag this library knows; dbi_connect() refuses others. */
#define DBI_F_KNOWN                                              \
	(DBI_F_TIMED_POLL | DBI_F_SLEEP_WAIT | DBI_F_POLL_WAIT | \
	 DBI_F_BATCH_RING)

#define DBI_RECVS 4
#define DBI_MAX_TRANSFER 8192
/* A queue is one page of SQEs on the target (doorbell-target(8)). */
#define DBI_MAX_DEPTH 64
/*
 * Send work requests one command may leave unsignaled (CQ head, data,
 * SQE, ring), with room for a CQ read in two parts and the data fetches
 * of a full queue behind them.
 */
#define DBI_SEND_WRS (4 * DBI_MAX_DEPTH + 2 + DBI_MAX_DEPTH)

/*
 * Registered memory of the session's messages and of the two-sided
 * commands, which run one at a time: one allocation, one MR.
 */
struct dbi_stage {
	uint32_t probe;
	struct db_msg send;
	struct db_msg recv[DBI_RECVS];
	uint8_t data[DBI_MAX_TRANSFER] __attribute__((aligned(4096)));
};

/*
 * What a command in flight on the queue posts from: its SQE and the
 * doorbell values it rings, which must stay put until the work requests
 * that carry them have executed, as unsignaled ones do unseen.
 */
struct dbi_cmd_stage {
	struct dbnvme_sqe sqe;
	uint32_t sq_tail; /* value for the SQ tail doorbell */
	uint32_t cq_head; /* value for the CQ head doorbell */
	struct db_msg ring; /* the ring modes' message */
};

/*
 * Caller memory registered with the session's PD (buffer.c).  Commands
 * whose buffer lies inside use its MR and are counted in @users until
 * their completion is returned, and it cannot be deregistered meanwhile.
 */
struct dbi_buffer {
	struct dbi_session *session;
	struct ibv_mr *mr;
	void *addr;
	size_t len;
	unsigned int users;
	struct dbi_buffer *next; /* the session's list */
};

/*
 * The registered buffer that holds all of [@addr, @addr + @len), or NULL:
 * the data is staged.
 */
struct dbi_buffer *dbi_buffer_find(const struct dbi_session *s,
				   const void *addr, size_t len);
/* Deregister every buffer left, at disconnect. */
void dbi_buffers_release(struct dbi_session *s);

/*
 * A command slot of the session: the target's data slot of the same
 * index (data window + index * slot_size), and the command that uses it.
 */
struct dbi_cmd {
	bool busy; /* submitted, its completion not yet returned */
	bool done; /* completed; status holds the result */
	uint8_t opcode;
	uint16_t cid;
	uint32_t bytes;
	void *buf; /* the caller's: a Read's data goes there */
	struct dbi_buffer *ubuf; /* registered memory holding buf, or NULL */
	uint64_t tag;
	uint64_t submitted_ns; /* when it was rung */
	int status;
};

/* Submitted and not yet seen complete: its CQ entry is still to come. */
static inline bool dbi_cmd_in_flight(const struct dbi_cmd *cmd)
{
	return cmd->busy && !cmd->done;
}

/*
 * The registered memory of the queue modes, one allocation and one MR
 * sized by the granted depth: a data buffer per slot, a stage per slot
 * and one for the reaper's CQ head, and the run of CQ entries an RDMA
 * READ brings back.
 */
struct dbi_queue_mem {
	uint8_t *data; /* depth * DBI_MAX_TRANSFER */
	struct dbi_cmd_stage *stage; /* depth + 1 */
	struct dbnvme_cqe *cq_run; /* depth */
	struct ibv_mr *mr;
};

/*
 * The last DBI_RECENT samples of a time, and the least of them: on this
 * kind of machine times have a long tail, which an average would follow
 * for many samples after each outlier.
 */
#define DBI_RECENT 16
struct dbi_recent {
	uint64_t ns[DBI_RECENT];
	unsigned int next;
	uint64_t least; /* 0: no sample yet */
};

struct dbi_session {
	struct rdma_event_channel *channel;
	struct rdma_cm_id *id;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	/* The CQ's events, for DBI_F_SLEEP_WAIT; armed: notification asked. */
	struct ibv_comp_channel *cq_channel;
	bool cq_armed;
	struct dbi_stage *stage;
	struct ibv_mr *stage_mr;
	enum db_mode mode;
	unsigned int timeout_ms;
	unsigned int flags; /* DBI_F_* */
	struct db_ready ready;
	uint32_t max_blocks; /* per command */

	/*
	 * The commands of the session, by slot; at most depth - 1 are in
	 * flight, so neither the SQ nor the CQ can fill.
	 */
	struct dbi_cmd *cmds;
	unsigned int nr_busy;
	struct dbi_queue_mem qmem;

	/* The initiator's view of its queue (one-sided and ring modes). */
	uint16_t sq_tail;
	uint16_t cq_head;
	uint8_t phase;
	uint16_t cq_head_rung; /* the last head the doorbell was told */
	bool ring_pending; /* DBI_F_BATCH_RING: SQEs written, not yet rung */
	uint16_t cq_unrung; /* CQEs consumed since */
	uint16_t next_cid;
	uint16_t next_tag;

	/*
	 * When to read the CQ (poll.c): the least of the recent times from
	 * a command's ring to the CQ read that found it done, sampled where
	 * the read reaches the target, and of a CQ read's round trip; 0
	 * until measured.
	 */
	struct dbi_recent service, cq_rtt;

	struct dbi_session_stats stats;
	struct dbi_buffer *buffers; /* registered by the caller */

	/*
	 * A target's answer can complete before the ack of the request it
	 * answers; receives seen while waiting for a send wait here, in
	 * order, for dbi_recv_wait().
	 */
	uint32_t early_recv[DBI_RECVS];
	unsigned int nr_early_recv;
};

/* The target's thread runs every command of the session. */
static inline bool dbi_two_sided(const struct dbi_session *s)
{
	return s->mode == DB_MODE_TWO_SIDED_BUSY ||
	       s->mode == DB_MODE_TWO_SIDED_EVENT;
}

/* The registered buffer that command slot @slot stages its data in. */
static inline uint8_t *dbi_slot_data(const struct dbi_session *s,
				     unsigned int slot)
{
	return s->qmem.data + (size_t)slot * DBI_MAX_TRANSFER;
}

/* Post @wr (a chain; its last one signaled) and wait for that one. */
int dbi_post_wait(struct dbi_session *s, struct ibv_send_wr *wr);
/*
 * Post @wr (a chain) unsignaled: a later signaled one retires it.  Both
 * posts count the chain's operations in the session's stats.
 */
int dbi_post(struct dbi_session *s, struct ibv_send_wr *wr);
/* Wait for a message of @type; repost its receive buffer. */
int dbi_recv_wait(struct dbi_session *s, uint8_t type, struct db_msg *msg);
int dbi_send(struct dbi_session *s, const struct db_msg *msg);

/*
 * Nothing makes an RDMA READ atomic against the controller's write of
 * the CQE it reads.  Soft-RoCE copies the payload with memcpy(), which a
 * kernel built for size emits as rep movsb, one byte at a time under
 * TCG: a read racing the write returns the new status and phase after
 * the identifier of the entry's previous lap (or zeroes, on the first).
 * Identifiers are therefore never 0, and never those of the previous
 * lap's commands while those are in flight: a new-phase CQE that names
 * no command in flight is read again, this many times, before it counts
 * as a completion of some command that is not ours.
 */
#define DBI_CQE_REREADS 8

enum dbi_cqe_verdict {
	DBI_CQE_NOT_YET, /* read the entry again */
	DBI_CQE_OURS, /* the completion of a command in flight */
	DBI_CQE_FOREIGN, /* a completion of some other command */
};

/*
 * What the snapshot @cqe of a CQ entry expected in @phase says (cq.c):
 * DBI_CQE_OURS with the slot of the command in flight it completes in
 * *@slot.  *@rereads counts the new-phase entries at the head that named
 * no such command, from 0 for each entry.
 */
enum dbi_cqe_verdict dbi_cqe_check(const struct dbi_session *s,
				   const struct dbnvme_cqe *cqe, uint8_t phase,
				   unsigned int *rereads, unsigned int *slot);
/*
 * Move the head past the entry just consumed, flipping the phase at the
 * end of the ring.
 */
void dbi_cq_consume(struct dbi_session *s);
/*
 * True when the slots consumed since the last ring go back to the
 * controller with the next post: once they make half the queue, or
 * sooner if they and the commands in flight with one more would leave
 * the controller no free CQ entry.  cq_head_rung is then the head to
 * ring.
 */
bool dbi_cq_head_due(struct dbi_session *s);
/*
 * A command identifier for a new command: never 0 and never one of a
 * command in flight.
 */
uint16_t dbi_next_cid(struct dbi_session *s);

/*
 * The geometry a target's READY announced, checked before anything is
 * sent (geometry.c): 0 and the blocks per command in *@max_blocks, or
 * -EPROTO for blocks that are no NVMe LBA size, a queue of fewer than two
 * or more than DBI_MAX_DEPTH entries, a transfer limit outside
 * [block_size, DBI_MAX_TRANSFER], or data slots smaller than it.
 */
int dbi_geometry_check(const struct db_ready *r, uint32_t *max_blocks);
/*
 * Whether blocks [@slba, @slba + @nblocks) lie in the namespace: -EINVAL
 * for none, -ERANGE for any past its end.
 */
int dbi_extent_check(const struct db_ready *r, uint64_t slba, uint32_t nblocks);
/* The blocks of the next command of a request with @nblocks left. */
uint32_t dbi_chunk_blocks(uint32_t nblocks, uint32_t max_blocks);

/*
 * When the next CQ read should leave, on the monotonic clock in ns, so
 * that it reaches the target as the first command in flight is due to
 * complete; 0: at once (poll.c).
 */
uint64_t dbi_cq_read_due(const struct dbi_session *s);
/*
 * A CQ read posted at @posted_ns came back at @back_ns: fold its round
 * trip in, and for each command it found done, its service time;
 * @missed: an earlier read of this reap found nothing.
 */
void dbi_cq_read_done(struct dbi_session *s, uint64_t posted_ns,
		      uint64_t back_ns);
void dbi_service_sample(struct dbi_session *s, const struct dbi_cmd *cmd,
			uint64_t posted_ns, bool missed);
/* Add @ns to @r's samples, the oldest giving way. */
void dbi_recent_add(struct dbi_recent *r, uint64_t ns);

/* The queue modes' registered memory, sized by the granted depth. */
int dbi_queue_setup(struct dbi_session *s);
void dbi_queue_teardown(struct dbi_session *s);
/*
 * Post command @slot through the session's queue on the target, rung
 * one-sided or by the target's CPU (queue.c).  Nothing is waited for.
 */
int dbi_queue_submit(struct dbi_session *s, unsigned int slot, uint64_t slba,
		     uint32_t nblocks);
/*
 * Read the CQ from the head over every command in flight, until at
 * least one has completed, and mark up to @max of them done, with their
 * Reads' data in the caller's buffers.
 */
int dbi_queue_reap(struct dbi_session *s, unsigned int max);
/*
 * Command @cmd, run by the target CPU start to end (two_sided.c): its
 * thread moves the data by RDMA to or from the caller's registered buffer,
 * or the session's stage.
 */
int dbi_remote_command(struct dbi_session *s, const struct dbi_cmd *cmd,
		       uint64_t slba, uint32_t nblocks);

#endif /* DOORBELL_INITIATOR_PRIVATE_H */
