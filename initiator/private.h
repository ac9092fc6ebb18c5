/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of the initiator library. */
#ifndef DOORBELL_INITIATOR_PRIVATE_H
#define DOORBELL_INITIATOR_PRIVATE_H

#include <stdbool.h>

#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>

#include "doorbell_initiator.h"
#include "nvme_spec.h"

#define DBI_RECVS 4
#define DBI_MAX_TRANSFER 8192

/*
 * Registered memory the session's work requests read from and write
 * into: one allocation, one MR.
 */
struct dbi_stage {
	struct nvme_sqe sqe;
	struct nvme_cqe cqe;
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
uint64_t dbi_now_ms(void);

/* One command, one-sided or rung by the target CPU (one_sided.c). */
int dbi_queue_command(struct dbi_session *s, uint8_t opcode, uint64_t slba,
		      uint32_t nblocks, void *data);
/* One command run by the target CPU (two_sided.c). */
int dbi_remote_command(struct dbi_session *s, uint8_t opcode, uint64_t slba,
		       uint32_t nblocks, void *data);

#endif /* DOORBELL_INITIATOR_PRIVATE_H */
